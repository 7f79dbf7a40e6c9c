import { createHmac, timingSafeEqual } from 'node:crypto';

/** HubSpot's replay window: a request signed longer ago than this is refused. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;

export type SignatureCheck = { kind: 'ok' } | { kind: 'rejected'; reason: string };

export interface SignatureV3Request {
  /** The request method as received, e.g. `POST`. */
  method: string;
  /**
   * The full URL HubSpot called, as configured in the app: scheme, host,
   * path and query (`https://collector.example.com/hubspot?pipeline=b2b`).
   * Behind a proxy, rebuild it from the public scheme and host.
   */
  uri: string;
  /** The raw request body: its bytes, or their UTF-8 text; never re-serialized JSON. */
  body: string | Uint8Array;
  /** The X-HubSpot-Request-Timestamp header (epoch ms). */
  timestamp: string | undefined;
  /** The X-HubSpot-Signature-v3 header (base64). */
  signature: string | undefined;
  /** The app's client secret. */
  clientSecret: string;
  nowMs: number;
}

/**
 * The characters HubSpot decodes in the URI before signing (its v3
 * validation guide lists exactly these); any other escape stays as sent.
 */
const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$',
  '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';',
};

/** The URI as HubSpot signs it: the listed escapes decoded, hex digits of either case. */
export function signedUriOf(uri: string): string {
  return uri.replace(/%[0-9A-Fa-f]{2}/g, (escape) => DECODED[escape.toUpperCase()] ?? escape);
}

/** The v3 signature of a request: base64 HMAC-SHA256 over method + URI + body + timestamp, keyed by the client secret. */
export function signatureV3Of(request: Pick<SignatureV3Request, 'method' | 'uri' | 'body' | 'clientSecret'> & { timestamp: string }): string {
  const hmac = createHmac('sha256', request.clientSecret);
  // Bytes stay bytes: a body that is not valid UTF-8 must not be re-encoded before hashing.
  hmac.update(request.method + signedUriOf(request.uri), 'utf8');
  if (typeof request.body === 'string') hmac.update(request.body, 'utf8');
  else hmac.update(request.body);
  hmac.update(request.timestamp, 'utf8');
  return hmac.digest('base64');
}

/**
 * Checks HubSpot's v3 request signature (X-HubSpot-Signature-v3). The
 * timestamp must be epoch milliseconds at most 5 minutes before `nowMs`
 * (and, for a clock running ahead, at most 5 minutes after it); the
 * signatures are compared in constant time. Never throws: a missing or
 * malformed header is a reason.
 */
export function verifyHubSpotSignatureV3(request: SignatureV3Request): SignatureCheck {
  const { timestamp, signature } = request;
  if (!signature) return { kind: 'rejected', reason: 'no X-HubSpot-Signature-v3 header' };
  if (!timestamp) return { kind: 'rejected', reason: 'no X-HubSpot-Request-Timestamp header' };
  if (!/^\d{1,16}$/.test(timestamp)) return { kind: 'rejected', reason: `X-HubSpot-Request-Timestamp is not epoch milliseconds: ${timestamp.slice(0, 40)}` };
  const ageMs = request.nowMs - Number(timestamp);
  if (ageMs > MAX_SIGNATURE_AGE_MS) return { kind: 'rejected', reason: `request signed ${Math.round(ageMs / 1000)} s ago, more than 5 minutes: refused as a possible replay` };
  if (-ageMs > MAX_SIGNATURE_AGE_MS) return { kind: 'rejected', reason: `request timestamp ${Math.round(-ageMs / 1000)} s ahead of this clock, more than 5 minutes` };
  const expected = Buffer.from(signatureV3Of({ ...request, timestamp }), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Lengths first (timingSafeEqual requires equal ones): a signature's length is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { kind: 'rejected', reason: 'signature does not match' };
  return { kind: 'ok' };
}
