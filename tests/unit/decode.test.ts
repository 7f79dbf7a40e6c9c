import { describe, expect, it } from 'vitest';
import { createJsonRecordDecoder } from '../../src/events/decode-json-record.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';
import { hashEmail } from '../../src/core/hash.js';

const RECEIVED = Date.UTC(2026, 10, 2, 12, 0, 0);
const ctx: DecodeContext = {
  limits: DEFAULT_LIMITS,
  identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
  emailSalt: 'pepper',
  receivedAtMs: RECEIVED,
};
const decode = createJsonRecordDecoder(DEFAULT_LIMITS);
const valid = { type: 'track', event: 'Product Viewed', messageId: 'm1', anonymousId: 'a1', timestamp: '2026-11-02T11:00:00.000Z' };
const line = (value: unknown) => JSON.stringify(value);

describe('decoding JSON records', () => {
  it.each([
    { name: 'not JSON', raw: 'hello', reason: /not JSON/ },
    { name: 'truncated JSON', raw: '{"type":"track","event":"x"', reason: /not JSON/ },
    { name: 'an array', raw: '[1,2]', reason: /expected a JSON object, got an array/ },
    { name: 'a number', raw: '42', reason: /expected a JSON object, got number/ },
    { name: 'null', raw: 'null', reason: /expected a JSON object, got object/ },
    { name: 'unknown call type', raw: line({ ...valid, type: 'click' }), reason: /type/ },
    { name: 'timestamp of the wrong type', raw: line({ ...valid, timestamp: 1234 }), reason: /timestamp/ },
    { name: 'unparseable time', raw: line({ ...valid, timestamp: 'yesterday' }), reason: /no usable event time/ },
    { name: 'no time at all', raw: line({ type: 'track', event: 'x', messageId: 'm', anonymousId: 'a' }), reason: /no usable event time/ },
    { name: 'a time before 2000', raw: line({ ...valid, timestamp: '1999-12-31T23:59:59Z' }), reason: /before 2000/ },
    { name: 'more than a day ahead of receipt', raw: line({ ...valid, timestamp: '2026-11-03T12:00:01Z' }), reason: /ahead of its receipt/ },
    { name: 'no identity', raw: line({ ...valid, anonymousId: undefined }), reason: /no identity/ },
    { name: 'anonymousId an object', raw: line({ ...valid, anonymousId: { id: 1 } }), reason: /anonymousId/ },
    { name: 'an id over 256 characters', raw: line({ ...valid, messageId: 'x'.repeat(257) }), reason: /messageId: longer than 256 characters/ },
    { name: 'a userId over 256 characters', raw: line({ ...valid, userId: 'u'.repeat(257) }), reason: /userId: longer than 256/ },
    { name: 'a time text over 64 characters', raw: line({ ...valid, sentAt: `2026-11-02T11:00:00.000Z${' '.repeat(41)}` }), reason: /sentAt: longer than 64/ },
    { name: 'an event name over 512 characters', raw: line({ ...valid, event: 'e'.repeat(513) }), reason: /event: longer than 512/ },
    { name: 'a page name over 512 characters', raw: line({ ...valid, type: 'page', event: undefined, name: 'n'.repeat(513) }), reason: /name: longer than 512/ },
    { name: 'a track call without event', raw: line({ ...valid, event: undefined }), reason: /event name/ },
    { name: 'CRM envelope of unknown kind', raw: line({ source: 'crm', id: 'c', kind: 'tweet', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1' }), reason: /kind/ },
    {
      name: 'NPS score 11',
      raw: line({ source: 'crm', id: 'c', kind: 'survey_answered', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1', survey: { type: 'nps', score: 11 } }),
      reason: /score out of range/,
    },
    { name: 'CRM envelope without contact', raw: line({ source: 'crm', id: 'c', kind: 'activity', occurredAt: '2026-11-02T10:00:00Z', activity: { channel: 'call', direction: 'inbound' } }), reason: /contactId/ },
  ])('dead-letters $name', ({ raw, reason }) => {
    const result = decode(raw, ctx);
    expect(result.kind).toBe('dead');
    if (result.kind === 'dead') expect(result.reason).toMatch(reason);
  });

  it('dead-letters a record over the size limit without parsing it', () => {
    const small = createJsonRecordDecoder({ ...DEFAULT_LIMITS, maxRecordBytes: 100 });
    const result = small(line({ ...valid, properties: { note: 'é'.repeat(60) } }), ctx);
    expect(result).toMatchObject({ kind: 'dead', reason: 'record is larger than 100 bytes' });
  });

  it('accepts ids of exactly the limit, and a page call with an empty name', () => {
    const result = decode(line({ ...valid, messageId: 'x'.repeat(256), anonymousId: 'a'.repeat(256) }), ctx);
    expect(result.kind === 'ok' && result.value.eventId).toBe('x'.repeat(256));
    expect(decode(line({ ...valid, type: 'page', event: undefined, name: '' }), ctx).kind).toBe('ok');
  });

  it('keeps an event whose unused fields have unexpected types (nothing reads them)', () => {
    const odd = { ...valid, previousId: 7, traits: 'vip', context: { page: { path: '/p', title: 42, search: null }, traits: 'x', device: 'phone', library: 1 } };
    const result = decode(line(odd), ctx);
    expect(result.kind).toBe('ok');
    if (result.kind === 'ok') expect(result.value.pagePath).toBe('/p');
  });

  it('still dead-letters a wrong type in a field the pipeline reads', () => {
    for (const context of [{ page: { referrer: 5 } }, { campaign: { medium: ['cpc'] } }, { location: { country: 49 } }, { userAgent: {} }, { page: 'home' }]) {
      const result = decode(line({ ...valid, context }), ctx);
      expect(result.kind, JSON.stringify(context)).toBe('dead');
    }
  });

  it('applies Segment clock-skew correction: receivedAt − (sentAt − originalTimestamp)', () => {
    // The device clock is 10 minutes fast: both originalTimestamp and sentAt carry the error.
    const result = decode(
      line({ ...valid, timestamp: undefined, originalTimestamp: '2026-11-02T11:10:00.000Z', sentAt: '2026-11-02T11:10:02.000Z', receivedAt: '2026-11-02T11:00:02.500Z' }),
      ctx,
    );
    expect(result.kind === 'ok' && new Date(result.value.timestampMs).toISOString()).toBe('2026-11-02T11:00:00.500Z');
  });

  it('uses timestamp when the skew fields are incomplete, and reads a zone-less time as UTC', () => {
    const result = decode(line({ ...valid, timestamp: '2026-11-02T11:00:00', sentAt: '2026-11-02T11:00:05Z' }), ctx);
    expect(result.kind === 'ok' && result.value.timestampMs).toBe(Date.UTC(2026, 10, 2, 11, 0, 0));
  });

  it('normalizes a Segment page call with campaign, page and identity key', () => {
    const result = decode(
      line({
        type: 'page',
        name: 'Home',
        messageId: 'p1',
        userId: 'u9',
        timestamp: '2026-11-02T11:00:00Z',
        context: { page: { path: '/', url: 'https://shop.example/', referrer: 'https://www.google.com/' }, campaign: { source: 'google', medium: 'cpc', name: 'brand' }, location: { country: 'DE' } },
      }),
      ctx,
    );
    expect(result).toMatchObject({
      kind: 'ok',
      value: { eventId: 'p1', key: 'u:u9', type: 'page', name: 'Home', pagePath: '/', country: 'DE', campaign: { medium: 'cpc', name: 'brand' } },
    });
  });

  it('keeps only a salted hash of a CRM email and flattens the detail into properties', () => {
    const result = decode(
      line({ source: 'crm', id: 'crm1', kind: 'deal_stage_changed', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1', email: ' Jane@Example.com ', deal: { dealId: 'd1', pipeline: 'new_business', to: 'proposal', amount: 1200 } }),
      ctx,
    );
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(result.value).toMatchObject({ key: 'c:c1', source: 'crm', name: 'deal_stage_changed', emailHash: hashEmail('jane@example.com', 'pepper') });
    expect(JSON.stringify(result.value)).not.toContain('Jane');
    expect(result.value.properties).toMatchObject({ dealId: 'd1', pipeline: 'new_business', to: 'proposal', amount: 1200 });
  });

  it('drops the email when no salt is configured', () => {
    const result = decode(
      line({ source: 'crm', id: 'crm2', kind: 'ticket_opened', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1', email: 'a@b.c', ticket: { ticketId: 't1' } }),
      { ...ctx, emailSalt: undefined },
    );
    expect(result).toMatchObject({ kind: 'ok', value: { emailHash: '' } });
  });

  it('carries NPS answers as emotions', () => {
    const result = decode(line({ source: 'crm', id: 's1', kind: 'survey_answered', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1', survey: { type: 'nps', score: 9 } }), ctx);
    expect(result).toMatchObject({ kind: 'ok', value: { nps: 9, csat: null } });
  });

  it('gives an event without messageId a stable content-hash id', () => {
    const raw = line({ ...valid, messageId: undefined });
    const a = decode(raw, ctx);
    const b = decode(raw, ctx);
    expect(a.kind === 'ok' && b.kind === 'ok' && a.value.eventId === b.value.eventId && a.value.eventId.length).toBe(20);
  });
});

