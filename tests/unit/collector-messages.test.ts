import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES, messagesOfRequest } from '../../src/collector/segment-messages.js';
import { stableId } from '../../src/core/hash.js';

const RECEIVED_MS = Date.UTC(2026, 11, 3, 12, 0, 0);
const where = { path: '/v1/batch', request: 'r1', receivedAtMs: RECEIVED_MS };
const parsed = (raw: string) => JSON.parse(raw) as Record<string, unknown>;

describe('messagesOfRequest: a collector request as the records the pipeline reads', () => {
  it('a single call takes its type from the path, is stamped with receivedAt and loses the write key', () => {
    const out = messagesOfRequest('track', { event: 'Order Completed', anonymousId: 'a1', messageId: 'm1', writeKey: 'secret', receivedAt: '2020-01-01T00:00:00Z' }, { ...where, path: '/v1/track' });
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    expect(out.records).toHaveLength(1);
    const record = out.records[0]!;
    // No time of its own: it happened when it was received (Segment's API).
    expect(parsed(record.raw)).toEqual({ event: 'Order Completed', anonymousId: 'a1', messageId: 'm1', type: 'track', timestamp: '2026-12-03T12:00:00.000Z', receivedAt: '2026-12-03T12:00:00.000Z' });
    expect(record.origin).toEqual({ kind: 'http', path: '/v1/track', request: 'r1' });
    expect(record.receivedAtMs).toBe(RECEIVED_MS);
    expect(record.error).toBeUndefined();
  });

  it('the path says the type even when the body says another', () => {
    const out = messagesOfRequest('page', { type: 'track', name: 'Home', anonymousId: 'a1', messageId: 'm1' }, where);
    expect(out.kind === 'ok' && parsed(out.records[0]!.raw)['type']).toBe('page');
  });

  it('a batch is its messages, each with the batch context and sentAt where it has none, and its index', () => {
    const body = {
      batch: [
        { type: 'page', anonymousId: 'a1', messageId: 'm1', context: { locale: 'de-DE' } },
        { type: 'track', event: 'X', anonymousId: 'a1', messageId: 'm2', sentAt: '2026-12-03T11:59:59.000Z' },
      ],
      context: { locale: 'en-US', userAgent: 'UA' },
      sentAt: '2026-12-03T11:59:58.000Z',
      writeKey: 'secret',
    };
    const out = messagesOfRequest('batch', body, where);
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    expect(out.records.map((r) => r.origin.index)).toEqual([0, 1]);
    expect(parsed(out.records[0]!.raw)).toMatchObject({ context: { locale: 'de-DE', userAgent: 'UA' }, sentAt: '2026-12-03T11:59:58.000Z' });
    expect(parsed(out.records[1]!.raw)).toMatchObject({ context: { locale: 'en-US', userAgent: 'UA' }, sentAt: '2026-12-03T11:59:59.000Z' });
    for (const record of out.records) expect(parsed(record.raw)['writeKey']).toBeUndefined();
  });

  it('a JSON array is a batch too', () => {
    const out = messagesOfRequest('batch', [{ type: 'page', anonymousId: 'a1', messageId: 'm1' }], where);
    expect(out.kind === 'ok' && out.records.length).toBe(1);
  });

  it("an SDK's timestamp sent with sentAt is the device's time: it becomes originalTimestamp, so the event time is clock-corrected", () => {
    const out = messagesOfRequest('track', { event: 'X', anonymousId: 'a1', messageId: 'm1', timestamp: '2026-12-03T10:00:00.000Z', sentAt: '2026-12-03T10:00:05.000Z' }, where);
    const message = out.kind === 'ok' ? parsed(out.records[0]!.raw) : {};
    expect(message['timestamp']).toBeUndefined();
    expect(message['originalTimestamp']).toBe('2026-12-03T10:00:00.000Z');
    // A timestamp without sentAt (a server-side import) stays the event time.
    const imported = messagesOfRequest('track', { event: 'X', anonymousId: 'a1', messageId: 'm1', timestamp: '2026-11-01T10:00:00.000Z' }, where);
    expect(imported.kind === 'ok' && parsed(imported.records[0]!.raw)['timestamp']).toBe('2026-11-01T10:00:00.000Z');
  });

  it('a message without messageId gets the content id of the message as sent: a retried request is the same event', () => {
    const message = { event: 'X', anonymousId: 'a1', properties: { n: 1 } };
    const first = messagesOfRequest('track', message, where);
    const retried = messagesOfRequest('track', message, { ...where, request: 'r2', receivedAtMs: RECEIVED_MS + 5_000 });
    const idOf = (out: typeof first) => (out.kind === 'ok' ? parsed(out.records[0]!.raw)['messageId'] : undefined);
    expect(idOf(first)).toBe(stableId('content', JSON.stringify({ ...message, type: 'track' })));
    expect(idOf(retried)).toBe(idOf(first));
  });

  it('a message over 32 KB stays a record with the reason (it is dead-lettered with its bytes, not dropped)', () => {
    const big = { type: 'track', event: 'X', anonymousId: 'a1', messageId: 'm1', properties: { blob: 'x'.repeat(MAX_EVENT_BYTES) } };
    const out = messagesOfRequest('batch', { batch: [big, { type: 'page', anonymousId: 'a1', messageId: 'm2' }] }, where);
    expect(out.kind).toBe('ok');
    if (out.kind !== 'ok') return;
    expect(out.records[0]!.error).toMatch(/^the message is 32,\d{3} bytes; the collector takes at most 32 KB per event/);
    expect(out.records[0]!.raw).toContain('x'.repeat(100));
    expect(out.records[1]!.error).toBeUndefined();
  });

  it('bodies of the wrong shape are refused with what to send', () => {
    expect(messagesOfRequest('track', [1, 2], where)).toEqual({ kind: 'rejected', reason: 'a /v1/track body is one JSON object (a track message)' });
    expect(messagesOfRequest('batch', { type: 'track', batch: [] }, where)).toEqual({ kind: 'rejected', reason: 'a batch body is {"batch": [ …messages ]} (or a JSON array of messages)' });
    expect(messagesOfRequest('batch', 'text', where).kind).toBe('rejected');
  });
});
