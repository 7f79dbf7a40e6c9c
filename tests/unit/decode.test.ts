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
    { name: 'an empty messageId', raw: line({ ...valid, messageId: '' }), reason: /messageId: must not be empty/ },
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

describe('event time parsing', async () => {
  const { parseIsoMs } = await import('../../src/events/time.js');
  it.each([
    ['2026-11-02T10:00:00.123Z', Date.UTC(2026, 10, 2, 10, 0, 0, 123)],
    ['2026-11-02T10:00:00Z', Date.UTC(2026, 10, 2, 10, 0, 0)],
    ['2026-11-02T11:00:00.000+01:00', Date.UTC(2026, 10, 2, 10, 0, 0)],
    ['2026-11-02T10:00:00', Date.UTC(2026, 10, 2, 10, 0, 0)],
    ['2024-02-29T00:00:00.000Z', Date.UTC(2024, 1, 29)],
    ['2026-13-01T00:00:00.000Z', undefined],
    ['2026-11-0xT10:00:00.000Z', undefined],
    ['2x26-11-02T10:00:00.000Z', undefined],
    ['2026-11-02T10:00:00.1x3Z', undefined],
    ['2026-11-02T10:00:00.12xZ', undefined],
    ['2026-11-02T1 :00:00.000Z', undefined],
    ['yesterday', undefined],
  ])('%s', (text, expected) => {
    expect(parseIsoMs(text)).toBe(expected);
  });

  it('the fast path agrees with Date.parse on canonical UTC times, edge values included', () => {
    const texts = ['2026-02-30T00:00:00.000Z', '2026-11-02T24:00:00.000Z', '2000-01-01T00:00:00.000Z', '2099-12-31T23:59:59.999Z'];
    // Month ends and leap days (2000 is a leap year, 1900 and 2100 are not), before and after 1970.
    for (const year of ['0000', '1600', '1900', '1969', '1970', '2000', '2024', '2100', '9999']) {
      for (const monthDay of ['01-01', '02-28', '02-29', '02-30', '03-01', '04-30', '04-31', '12-31', '00-10', '13-01', '06-00']) {
        texts.push(`${year}-${monthDay}T23:59:59.999Z`, `${year}-${monthDay}T00:00:00.000Z`);
      }
    }
    for (let i = 0; i < 2000; i++) texts.push(new Date(Date.UTC(2000, 0, 1) + Math.floor(Math.random() * 3e12)).toISOString());
    for (let i = 0; i < 2000; i++) texts.push(new Date(Date.UTC(1000, 0, 1) + Math.floor(Math.random() * 2.5e14)).toISOString());
    for (const text of texts) {
      const expected = Date.parse(text);
      expect(parseIsoMs(text)).toBe(Number.isFinite(expected) ? expected : undefined);
    }
  });
});
