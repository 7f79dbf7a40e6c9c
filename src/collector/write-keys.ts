import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The write keys a collector accepts (Segment's and RudderStack's "write
 * key": a per-source secret the SDK sends with every call). Compared in
 * constant time: the keys are hashed to one length first, so neither the
 * content nor the length of a wrong key shows in the response time.
 */
export class WriteKeys {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.filter((key) => key !== '').map(digestOf);
  }

  /** No key configured: the collector is open (a loopback-only setup); the CLI says so when it starts. */
  get open(): boolean {
    return this.digests.length === 0;
  }

  allows(key: string | undefined): boolean {
    if (this.open) return true;
    if (key === undefined || key === '') return false;
    const digest = digestOf(key);
    // Every configured key is compared, so the position of the match does not show either.
    let allowed = false;
    for (const known of this.digests) allowed = timingSafeEqual(known, digest) || allowed;
    return allowed;
  }
}

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Keys from a comma-separated list (JOURNEYS_WRITE_KEYS), blanks dropped. */
export function writeKeysFromList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
}

/**
 * The write key of a request, as Segment's HTTP API takes it: HTTP Basic
 * auth with the key as the user name and no password (RudderStack's SDKs,
 * analytics-node), else a `writeKey` field of the JSON body (analytics.js
 * sends it there, with a text/plain body, to avoid a CORS preflight).
 */
export function writeKeyOf(headers: IncomingHttpHeaders, body: unknown): string | undefined {
  const authorization = headers.authorization;
  if (authorization && /^basic\s+/i.test(authorization)) {
    const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const key = (body as Record<string, unknown>)['writeKey'];
    if (typeof key === 'string') return key;
  }
  return undefined;
}
