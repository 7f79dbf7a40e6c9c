import { describe, expect, it } from 'vitest';
import { signedUriOf, verifyHubSpotSignatureV3, type SignatureV3Request } from '../../src/sources/hubspot/signature.js';

/**
 * HubSpot's v3 request signature (docs/events.md, "HubSpot webhooks").
 * Expected signatures were computed outside the code under test:
 *   printf '%s' 'POSThttps://collector.example.com/hubspot?portal=24681357[{"eventId":1}]1790848800000' \
 *     | openssl dgst -sha256 -hmac 'app-secret-1' -binary | base64
 */
const SIGNED_AT = 1790848800000;
const request: SignatureV3Request = {
  method: 'POST',
  uri: 'https://collector.example.com/hubspot?portal=24681357',
  body: '[{"eventId":1}]',
  timestamp: String(SIGNED_AT),
  signature: '1Uuqo+WZMaJwxIh79c3EONqVuw1mAhXiMYRkl52w0js=',
  clientSecret: 'app-secret-1',
  nowMs: SIGNED_AT + 1000,
};
const MIN = 60_000;

describe('verifyHubSpotSignatureV3', () => {
  it.each<{ name: string; change: Partial<SignatureV3Request>; outcome: RegExp | 'ok' }>([
    { name: 'the signed request', change: {}, outcome: 'ok' },
    { name: 'the body as its bytes', change: { body: Buffer.from('[{"eventId":1}]') }, outcome: 'ok' },
    { name: 'signed exactly 5 minutes ago', change: { nowMs: SIGNED_AT + 5 * MIN }, outcome: 'ok' },
    { name: 'signed 5 minutes and 1 ms ago', change: { nowMs: SIGNED_AT + 5 * MIN + 1 }, outcome: /more than 5 minutes: refused as a possible replay/ },
    { name: 'a timestamp 6 minutes ahead of the clock', change: { nowMs: SIGNED_AT - 6 * MIN }, outcome: /ahead of this clock/ },
    { name: 'a body changed by one character', change: { body: '[{"eventId":2}]' }, outcome: /does not match/ },
    { name: 'another secret', change: { clientSecret: 'app-secret-2' }, outcome: /does not match/ },
    { name: 'another method', change: { method: 'PUT' }, outcome: /does not match/ },
    { name: 'a truncated signature', change: { signature: '1Uuqo+WZMaJwxIh79c3EONqVuw1mAhXiMYRkl52w0j' }, outcome: /does not match/ },
    { name: 'no signature header', change: { signature: undefined }, outcome: /no X-HubSpot-Signature-v3 header/ },
    { name: 'no timestamp header', change: { timestamp: undefined }, outcome: /no X-HubSpot-Request-Timestamp header/ },
    { name: 'an ISO timestamp', change: { timestamp: '2026-10-01T10:00:00Z' }, outcome: /not epoch milliseconds/ },
  ])('$name', ({ change, outcome }) => {
    const result = verifyHubSpotSignatureV3({ ...request, ...change });
    if (outcome === 'ok') expect(result).toEqual({ kind: 'ok' });
    else {
      expect(result.kind).toBe('rejected');
      expect(result.kind === 'rejected' && result.reason).toMatch(outcome);
    }
  });

  it('decodes the escapes HubSpot decodes before signing, and only those', () => {
    // printf '%s' "POSThttps://collector.example.com/hubspot/b2b?note=it's(1)[]1790848800000" | openssl dgst -sha256 -hmac 'app-secret-1' -binary | base64
    const signed = { ...request, uri: 'https://collector.example.com/hubspot%2Fb2b?note=it%27s%281%29', body: '[]', signature: '+n/DPhtrbWdFIJz1yVSEWbGRudvjPTjDc+107fnuFgw=' };
    expect(verifyHubSpotSignatureV3(signed)).toEqual({ kind: 'ok' });
    expect(signedUriOf('/a%3a%2F%3F%40%21%24%27%28%29%2A%2C%3B?q=%20%2B%25')).toBe("/a:/?@!$'()*,;?q=%20%2B%25");
  });
});
