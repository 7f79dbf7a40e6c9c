import { describe, expect, it } from 'vitest';
import { textOf } from '../../src/core/text-of.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { decodeRecords } from '../../src/pipeline/decode-records.js';
import { defaultChannel } from '../../src/journey/default-channel.js';
import { partitionKeyOf } from '../../src/sources/kafka/partition-key.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import { EMPTY_CAMPAIGN, type JourneyEvent } from '../../src/events/journey-event.js';
import type { DecodeContext } from '../../src/events/decode-context.js';

const RECEIVED = Date.UTC(2026, 10, 2, 12, 0, 0);
const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
const pipeline = compilePipeline(definition);
const ctx = (): DecodeContext => ({ limits: DEFAULT_LIMITS, identity: definition.identity, emailSalt: undefined, receivedAtMs: RECEIVED });
const evil = { toString: 1 };

function pageCall(properties: Record<string, unknown>, context: Record<string, unknown> = {}): string {
  // No name and no context.page: normalization falls back to the properties.
  return JSON.stringify({ type: 'page', messageId: 'm1', anonymousId: 'a1', timestamp: '2026-11-02T11:00:00.000Z', properties, context });
}

describe('values nothing validated are read as text safely', () => {
  it.each([
    [null, undefined],
    [undefined, undefined],
    ['', ''],
    ['x', 'x'],
    [42, '42'],
    [-1.5, '-1.5'],
    [true, 'true'],
    [false, 'false'],
    [Number.NaN, undefined],
    [{ a: 1 }, undefined],
    [evil, undefined],
    [['a', 'b'], undefined],
  ])('textOf(%j) → %j', (value, text) => {
    expect(textOf(value)).toBe(text);
  });

  // Before: String() on these threw "Cannot convert object to primitive value"
  // in normalize-segment.ts (url, path, referrer, name) and classify.ts
  // (segment), so ingest, produce (which decodes for the key) and the Kafka
  // consumer crashed on the record, every restart.
  it.each([
    ['properties.url', pageCall({ url: evil }), { pageUrl: '' }],
    ['properties.path', pageCall({ path: evil }), { pagePath: '' }],
    ['properties.referrer', pageCall({ referrer: evil }), { referrer: '' }],
    ['properties.name', pageCall({ name: evil }), { name: '' }],
    ['context.traits.segment', pageCall({}, { traits: { segment: evil } }), {}],
  ])('an object with a non-callable toString at %s is absent, and the record is kept', (_path, raw, fields) => {
    const [decoded] = decodeRecords(pipeline, [{ raw, origin: { kind: 'file', file: 'x.ndjson', line: 1 } }], ctx());
    expect(decoded?.kind).toBe('event');
    if (decoded?.kind !== 'event') return;
    expect(decoded.classified.event).toMatchObject(fields);
    expect(decoded.classified.segment).toBe('');
    expect(partitionKeyOf(decoded.classified.event, definition.identity)).toBe('a1');
  });

  it('numbers and booleans in those properties become their JSON text', () => {
    const [decoded] = decodeRecords(pipeline, [{ raw: pageCall({ path: 404, name: true }, { traits: { segment: 7 } }), origin: { kind: 'file', file: 'x.ndjson', line: 1 } }], ctx());
    expect(decoded?.kind === 'event' && [decoded.classified.event.pagePath, decoded.classified.event.name, decoded.classified.segment]).toEqual(['404', 'true', '7']);
  });

  it("a CRM activity's channel is looked up as text, never on Object.prototype", () => {
    const activity = (channel: unknown): JourneyEvent => ({
      eventId: 'e', source: 'crm', type: 'crm', name: 'activity', timestampMs: 0, receivedAtMs: 0, key: 'c:1', anonymousId: '', userId: '',
      contactId: '1', emailHash: '', sourceSessionId: '', pageUrl: '', pagePath: '', referrer: '', campaign: EMPTY_CAMPAIGN, userAgent: '',
      locale: '', country: '', properties: { channel }, context: {}, nps: null, csat: null,
    });
    // Before: 'toString' found Object.prototype.toString (a function as the channel); evil threw.
    expect(defaultChannel(activity('toString'))).toBe('CRM');
    expect(defaultChannel(activity(evil))).toBe('CRM');
    expect(pipeline.classify(activity(evil)).touchpoint).toBe('crm:');
    expect(defaultChannel(activity('call'))).toBe('Phone');
  });

  // Before: the default channel's host patterns took time quadratic in an
  // overlong host (40,000 characters: 2.2 s; this one: minutes). No timing is
  // asserted; the test timeout guards it.
  it('an overlong referrer host or utm source is no host, and does not stall', () => {
    const event: JourneyEvent = {
      eventId: 'e', source: 'site', type: 'page', name: '', timestampMs: 0, receivedAtMs: 0, key: 'a:x', anonymousId: 'x', userId: '', contactId: '',
      emailHash: '', sourceSessionId: '', pageUrl: 'https://shop.example/', pagePath: '/', referrer: `https://${'x.'.repeat(100_000)}-/`,
      campaign: EMPTY_CAMPAIGN, userAgent: '', locale: '', country: '', properties: {}, context: {}, nps: null, csat: null,
    };
    expect(defaultChannel(event)).toBe('Direct');
    const campaign = { ...EMPTY_CAMPAIGN, medium: 'paid', source: `${'google.'.repeat(30_000)}-` };
    expect(defaultChannel({ ...event, referrer: '', campaign })).toBe('(Other)');
  });
});
