import { describe, expect, it } from 'vitest';
import { createJsonRecordDecoder } from '../../src/events/decode-json-record.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { decodeRecords } from '../../src/pipeline/decode-records.js';

/** The pipeline's receipt: the clock for a file, the (bounded) Kafka timestamp for a message. */
const RECEIPT = Date.UTC(2026, 10, 2, 12, 0, 0);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ctx: DecodeContext = {
  limits: DEFAULT_LIMITS,
  identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
  emailSalt: undefined,
  receivedAtMs: RECEIPT,
};
const decode = createJsonRecordDecoder(DEFAULT_LIMITS);
const track = (times: Record<string, string>) => JSON.stringify({ type: 'track', event: 'x', messageId: 'm', anonymousId: 'a', ...times });
const crm = (times: Record<string, string>) =>
  JSON.stringify({ source: 'crm', id: 'c', kind: 'activity', contactId: 'k', activity: { channel: 'call', direction: 'inbound' }, ...times });
const FAR = '9999-06-01T00:00:00.000Z';

describe("future skew is bounded by the pipeline's receipt, not the time a record claims", () => {
  // Before: each of these was accepted, because the skew check trusted the record's own receivedAt.
  it.each([
    { name: 'an event dated 9999 with an equally far receivedAt', raw: track({ timestamp: FAR, receivedAt: FAR }), path: 'timestamp', reason: /^event time 9999-06-01T00:00:00.000Z is more than 86400000 ms ahead of its receipt at 2026-11-02T12:00:00.000Z$/ },
    {
      name: 'a skew-corrected time in 9999',
      raw: track({ originalTimestamp: FAR, sentAt: FAR, receivedAt: FAR }),
      path: 'receivedAt − (sentAt − originalTimestamp)',
      reason: /ahead of its receipt at 2026-11-02T12:00:00.000Z/,
    },
    { name: 'a plausible event time with a receivedAt in 9999', raw: track({ timestamp: iso(RECEIPT - HOUR), receivedAt: FAR }), path: 'receivedAt', reason: /^receivedAt 9999-06-01T00:00:00.000Z is more than 86400000 ms ahead of the pipeline's receipt at 2026-11-02T12:00:00.000Z$/ },
    { name: 'a CRM envelope in 9999 received in 9999', raw: crm({ occurredAt: FAR, receivedAt: FAR }), path: 'occurredAt', reason: /ahead of its receipt at 2026-11-02T12:00:00.000Z/ },
    { name: 'a CRM envelope with a receivedAt in 9999', raw: crm({ occurredAt: iso(RECEIPT - HOUR), receivedAt: FAR }), path: 'receivedAt', reason: /ahead of the pipeline's receipt/ },
  ])('dead-letters $name', ({ raw, path, reason }) => {
    const result = decode(raw, ctx);
    expect(result).toMatchObject({ kind: 'dead', issues: [{ path }] });
    if (result.kind === 'dead') expect(result.reason).toMatch(reason);
  });

  it.each([
    // [name, times, receivedAtMs kept]
    ['a backfill: event and receivedAt a year before the receipt', { timestamp: iso(RECEIPT - 365 * 24 * HOUR), receivedAt: iso(RECEIPT - 365 * 24 * HOUR + 1000) }, RECEIPT - 365 * 24 * HOUR + 1000],
    ['a receivedAt 1 h ahead of the receipt (clocks differ): kept as stated', { timestamp: iso(RECEIPT), receivedAt: iso(RECEIPT + HOUR) }, RECEIPT + HOUR],
    ['an event 23 h ahead of both', { timestamp: iso(RECEIPT + 23 * HOUR), receivedAt: iso(RECEIPT) }, RECEIPT],
    ['no receivedAt: the receipt is kept', { timestamp: iso(RECEIPT - HOUR) }, RECEIPT],
  ])('accepts %s', (_name, times, receivedAtMs) => {
    expect(decode(track(times), ctx)).toMatchObject({ kind: 'ok', value: { receivedAtMs } });
  });

  it('still bounds the event by a stated receivedAt earlier than the receipt', () => {
    const result = decode(track({ timestamp: iso(RECEIPT - 24 * HOUR + 1), receivedAt: iso(RECEIPT - 48 * HOUR) }), ctx);
    expect(result).toMatchObject({ kind: 'dead', issues: [{ path: 'timestamp' }] });
  });

  it('a Kafka message timestamp far in the future is bounded by the consumer clock', () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const pipeline = compilePipeline(definition);
    const origin = { kind: 'kafka' as const, topic: 't', partition: 0, offset: '1' };
    const clock = { ...ctx, identity: definition.identity };
    // Producer-set timestamp in 9999, event in 9999, no receivedAt: before, the receipt was 9999 and it passed.
    const [future, past] = decodeRecords(
      pipeline,
      [
        { raw: track({ timestamp: FAR }), origin, receivedAtMs: Date.parse(FAR) },
        { raw: track({ timestamp: iso(RECEIPT - 2 * HOUR) }), origin, receivedAtMs: RECEIPT - HOUR },
      ],
      clock,
    );
    expect(future).toMatchObject({ kind: 'dead', issues: [{ path: 'timestamp' }] });
    if (future?.kind === 'dead') expect(future.reason).toMatch(/ahead of its receipt at 2026-11-02T12:00:00.000Z/);
    // A timestamp before the clock is the receipt as it was.
    expect(past?.kind === 'event' && past.classified.event.receivedAtMs).toBe(RECEIPT - HOUR);
    expect(clock.receivedAtMs).toBe(RECEIPT);
  });
});
