import { setTimeout as sleepMs } from 'node:timers/promises';
import type { AlertNotice, AlertNotifier } from './notifier.js';
import { SIGNATURE_HEADER, signBody, webhookBody } from './webhook-body.js';
import { redactCredentials } from '../core/redact.js';

/** A webhook that could not be delivered; `retriable` says whether a later attempt may succeed. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface WebhookOptions {
  url: string;
  /** Shared secret of the HMAC-SHA256 signature header; unsigned without it. */
  secret?: string | undefined;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts after the first one. */
  retries?: number;
  /** First backoff; each retry doubles it, with ±50 % jitter so many senders do not retry in step. */
  backoffMs?: number;
  /** For tests: the jitter source (0..1) and the wait. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** fetch's own message is "fetch failed"; the reason (refused, unknown host, TLS) is its cause. */
function fetchFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return redactCredentials(`${message}${cause}`);
}

/**
 * Where the credentials of a `https://user:password@host/…` URL go: fetch
 * refuses such URLs (and its error quoted the password), so they are sent as
 * a Basic Authorization header and the URL is used without them.
 */
/** A URL's user or password as meant: percent-decoded, or as written when a bare `%` makes it undecodable. */
function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function splitCredentials(url: URL): { url: URL; authorization: string | undefined } {
  if (!url.username && !url.password) return { url, authorization: undefined };
  const pair = `${decodedOrAsIs(url.username)}:${decodedOrAsIs(url.password)}`;
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return { url: bare, authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** Timeouts, network errors, 408, 429 and 5xx may pass on a later attempt; other statuses will not. */
function retriableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs each notice as a Slack-compatible JSON body, signed with
 * `x-journeys-signature: sha256=<hex>` when a secret is set, and with
 * `idempotency-key: <alert id>:<state>` so a receiver can drop a retry it
 * already took. Retries retriable failures with exponential backoff; rejects
 * with a WebhookError once it gives up.
 */
export function createWebhookNotifier(options: WebhookOptions): AlertNotifier {
  let given: URL;
  try {
    given = new URL(options.url);
  } catch {
    throw new WebhookError(`webhook URL is not a URL: ${redactCredentials(options.url)}`, false);
  }
  if (given.protocol !== 'http:' && given.protocol !== 'https:') throw new WebhookError(`webhook URL must be http(s): ${redactCredentials(options.url)}`, false);
  // Messages name the host only: the path of a webhook URL is often its secret (Slack's are).
  const { url, authorization } = splitCredentials(given);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));

  async function attempt(body: string, headers: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      // Redirects are not followed: a 307/308 would send the signed body to
      // another address, and a 302/303 would turn it into a GET whose 200
      // counted as delivered while the alert was lost.
      response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new WebhookError(`webhook ${url.host}: ${fetchFailure(error)}`, true, { cause: error });
    }
    // Drain the body so the connection can be reused (or closed) promptly.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      let target = '';
      try {
        target = location ? ` to ${new URL(location, url).host}` : '';
      } catch {
        target = ' to an unreadable location';
      }
      throw new WebhookError(`webhook ${url.host} answered ${response.status}, a redirect${target}: not followed (the alert was not delivered); give --webhook the final URL`, false);
    }
    if (!response.ok) throw new WebhookError(`webhook ${url.host} answered ${response.status}`, retriableStatus(response.status));
  }

  return {
    name: 'webhook',
    async notify(notice: AlertNotice): Promise<void> {
      const body = webhookBody(notice);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': `${notice.id}:${notice.state}` };
      if (authorization) headers['authorization'] = authorization;
      if (options.secret) headers[SIGNATURE_HEADER] = signBody(body, options.secret);
      for (let tryNumber = 0; ; tryNumber++) {
        try {
          return await attempt(body, headers);
        } catch (error) {
          if (!(error instanceof WebhookError) || !error.retriable || tryNumber >= retries) throw error;
          await sleep(backoffMs * 2 ** tryNumber * (0.5 + random()));
        }
      }
    },
  };
}
