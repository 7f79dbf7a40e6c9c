import { describe, expect, it } from 'vitest';
import { parseIsoMs, segmentTimesMs } from '../../src/events/time.js';
import { createJsonRecordDecoder } from '../../src/events/decode-json-record.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';

const utc = Date.UTC;

describe('ISO-8601 times (parseIsoMs)', () => {
  it.each([
    ['2026-11-02T10:00:00.123Z', utc(2026, 10, 2, 10, 0, 0, 123)],
    ['2026-11-02T10:00:00Z', utc(2026, 10, 2, 10, 0, 0)],
    ['2026-11-02t10:00:00z', utc(2026, 10, 2, 10, 0, 0)],
    ['2026-11-02T11:00:00.000+01:00', utc(2026, 10, 2, 10, 0, 0)],
    ['2026-11-02T05:30:00-0430', utc(2026, 10, 2, 10, 0, 0)],
    ['2026-11-02T10:00:00', utc(2026, 10, 2, 10, 0, 0)], // no zone: UTC
    ['2026-11-02 10:00:00', utc(2026, 10, 2, 10, 0, 0)], // space instead of T, as CSV exports write it
    ['2026-11-02T10:00Z', utc(2026, 10, 2, 10, 0, 0)], // no seconds
    ['2026-11-02T10:00:00.5Z', utc(2026, 10, 2, 10, 0, 0, 500)],
    ['2026-11-02T10:00:00.123456789Z', utc(2026, 10, 2, 10, 0, 0, 123)], // digits past ms dropped
    ['2026-11-02', utc(2026, 10, 2)], // a date alone: midnight UTC
    ['2024-02-29T00:00:00.000Z', utc(2024, 1, 29)],
    ['0000-01-01T00:00:00.000Z', -62_167_219_200_000],
    ['9999-12-31T23:59:59.999Z', 253_402_300_799_999],
  ])('reads %s', (text, expected) => {
    expect(parseIsoMs(text)).toBe(expected);
  });

  it.each([
    ['01-02-2018', 'day-month-year (Date.parse read it as 2 January)'],
    ['02/01/2018', 'slashes'],
    ['2026-02-30', '30 February (Date.parse rolled it over to 2 March)'],
    ['2026-02-30T00:00:00.000Z', '30 February, canonical form'],
    ['2025-02-29T00:00:00Z', '29 February of a common year'],
    ['2026-04-31 10:00:00', '31 April'],
    ['2026-11-02T24:00:00.000Z', 'hour 24'],
    ['2026-11-02T23:59:60Z', 'a leap second'],
    ['2026-11-02T10:60:00Z', 'minute 60'],
    ['2026-13-01T00:00:00.000Z', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['+275760-09-13T00:00:00.000Z', 'an expanded year at the end of the Date range'],
    ['-271821-04-20T00:00:00.000Z', 'an expanded year at the start of the Date range'],
    ['0000-01-01T00:00:00+01:00', 'before year 0000 once the offset is applied'],
    ['2026-11-02T10:00:00+24:00', 'offset hour 24'],
    ['2026-11-02T10:00:00+01:60', 'offset minute 60'],
    ['2026-11-02T10:00:00 UTC', 'a zone word (the CSV iso format reads it, not JSON)'],
    ['2026-11-02Z', 'a zone without a time'],
    ['2026-11-02T10', 'an hour without minutes'],
    ['2026-11-0xT10:00:00.000Z', 'a letter in the day'],
    ['2x26-11-02T10:00:00.000Z', 'a letter in the year'],
    ['2026-11-02T10:00:00.1x3Z', 'a letter in the milliseconds'],
    ['2026-11-02T1 :00:00.000Z', 'a space in the hour'],
    [' 2026-11-02T10:00:00Z', 'a leading space'],
    ['Mon, 02 Nov 2026 10:00:00 GMT', 'an RFC 2822 date'],
    ['1793613600000', 'an epoch number as text'],
    ['yesterday', 'words'],
    ['', 'empty'],
  ])('rejects %s (%s)', (text) => {
    expect(parseIsoMs(text)).toBeUndefined();
  });

  it('agrees with Date.parse on every real date, and rejects what Date.parse rolls over', () => {
    const texts = ['2000-01-01T00:00:00.000Z', '2099-12-31T23:59:59.999Z'];
    // Month ends and leap days (2000 is a leap year, 1900 and 2100 are not), before and after 1970.
    for (const year of ['0000', '1600', '1900', '1969', '1970', '2000', '2024', '2100', '9999']) {
      for (const monthDay of ['01-01', '02-28', '02-29', '02-30', '03-01', '04-30', '04-31', '12-31', '00-10', '13-01', '06-00']) {
        texts.push(`${year}-${monthDay}T23:59:59.999Z`, `${year}-${monthDay}T00:00:00.000Z`, `${year}-${monthDay}T12:30:00+02:00`);
      }
    }
    for (let i = 0; i < 2000; i++) texts.push(new Date(utc(2000, 0, 1) + Math.floor(Math.random() * 3e12)).toISOString());
    for (let i = 0; i < 2000; i++) texts.push(new Date(utc(1000, 0, 1) + Math.floor(Math.random() * 2.5e14)).toISOString());
    for (const text of texts) {
      const expected = Date.parse(text);
      // A real date is one whose fields survive the round trip (30 February comes back as 2 March).
      const real = Number.isFinite(expected) && new Date(Date.parse(`${text.slice(0, 10)}T00:00:00Z`)).toISOString().startsWith(text.slice(0, 10));
      expect([text, parseIsoMs(text)]).toEqual([text, real ? expected : undefined]);
    }
  });
});

describe('event times that cannot be used are dead letters, never a crash', () => {
  const ctx: DecodeContext = {
    limits: DEFAULT_LIMITS,
    identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
    emailSalt: undefined,
    receivedAtMs: utc(2026, 10, 2, 12),
  };
  const decode = createJsonRecordDecoder(DEFAULT_LIMITS);
  const track = (times: Record<string, string | undefined>) => JSON.stringify({ type: 'track', event: 'x', messageId: 'm', anonymousId: 'a', ...times });

  it.each([
    {
      name: 'skew correction far past year 9999',
      times: { originalTimestamp: '9999-12-31T00:00:00Z', sentAt: '0000-01-01T00:00:00Z', receivedAt: '9999-12-31T00:00:00Z' },
      reason: /^event time \d+ ms since the epoch \(outside years 0000–9999\) is out of range$/,
      path: 'receivedAt − (sentAt − originalTimestamp)',
    },
    {
      // Date.parse read these expanded years; the correction then threw RangeError: Invalid time value.
      name: 'expanded years near ±275760',
      times: { originalTimestamp: '+275760-09-13T00:00:00.000Z', sentAt: '-271821-04-20T00:00:00.000Z', receivedAt: '2026-11-02T10:00:00Z' },
      reason: /no usable event time/,
      path: 'timestamp',
    },
    { name: '30 February', times: { timestamp: '2026-02-30T10:00:00Z' }, reason: /no usable event time/, path: 'timestamp' },
    { name: 'a day-month-year date', times: { timestamp: '01-02-2018' }, reason: /no usable event time/, path: 'timestamp' },
  ])('$name', ({ times, reason, path }) => {
    const result = decode(track(times), ctx);
    expect(result).toMatchObject({ kind: 'dead', issues: [{ path }] });
    if (result.kind === 'dead') expect(result.reason).toMatch(reason);
  });

  it('a CRM envelope on 30 February is dead-lettered, not stored on 2 March', () => {
    const raw = JSON.stringify({ source: 'crm', id: 'c1', kind: 'activity', occurredAt: '2026-02-30T10:00:00Z', contactId: 'k', activity: { channel: 'call', direction: 'inbound' } });
    expect(decode(raw, { ...ctx, receivedAtMs: utc(2026, 2, 2, 12) })).toMatchObject({ kind: 'dead', reason: 'no usable event time' });
  });

  it('a receipt time out of range (a Kafka timestamp) is a reason, not a RangeError', () => {
    const result = decode(track({ timestamp: '2026-11-02T10:00:00Z' }), { ...ctx, receivedAtMs: 1e20 });
    expect(result).toMatchObject({ kind: 'dead' });
    if (result.kind === 'dead') expect(result.reason).toMatch(/receipt time 100000000000000000000 ms .* out of range/);
  });

  it('the skew correction names its source and keeps in-range results', () => {
    const times = { originalTimestamp: '2026-11-02T10:00:00Z', sentAt: '2026-11-02T10:00:05Z', receivedAt: '2026-11-02T12:00:00Z' };
    expect(segmentTimesMs(times)).toEqual({ eventMs: utc(2026, 10, 2, 11, 59, 55), receivedMs: utc(2026, 10, 2, 12), eventFrom: 'receivedAt − (sentAt − originalTimestamp)' });
    expect(segmentTimesMs({ originalTimestamp: '2026-11-02T10:00:00Z' })).toMatchObject({ eventFrom: 'originalTimestamp' });
  });
});
