import { z } from 'zod';
import { redactCredentials } from '../core/redact.js';

/** Where a ClickHouse server is and who we are there; the password never appears in `display`. */
export interface ServerAddress {
  /** Scheme, host and port only, e.g. `http://127.0.0.1:8123`. */
  url: string;
  username: string;
  password: string;
  /** The URL for messages, with the user but never the password. */
  display: string;
}

const serverUrl = z
  .string()
  .transform((text, ctx) => {
    try {
      return new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `not a URL: "${redactCredentials(text)}"` });
      return z.NEVER;
    }
  })
  .refine((url) => url.protocol === 'http:' || url.protocol === 'https:', { message: 'the scheme must be http:// or https:// (the ClickHouse HTTP interface)' })
  .refine((url) => url.pathname === '/' || url.pathname === '', { message: 'no path: the database comes from --database, e.g. http://host:8123' })
  .refine((url) => url.search === '' && url.hash === '', { message: 'no query string or fragment in the store URL' });

/**
 * Parses a store URL `http(s)://[user[:password]@]host[:port]`. Credentials in
 * the URL are percent-decoded; without them ClickHouse's `default` user with
 * an empty password is used (what a fresh server accepts from localhost).
 */
export function parseServerUrl(text: string): ServerAddress {
  const parsed = serverUrl.safeParse(text);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
  const url = parsed.data;
  const username = decodeURIComponent(url.username) || 'default';
  const password = decodeURIComponent(url.password);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const base = `${url.protocol}//${url.hostname}:${port}`;
  return { url: base, username, password, display: `${url.protocol}//${username}@${url.hostname}:${port}` };
}
