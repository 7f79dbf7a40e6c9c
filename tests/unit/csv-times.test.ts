import { describe, expect, it } from 'vitest';
import { createCsvTimeReader } from '../../src/events/csv-time.js';
import { csvMappingSchema } from '../../src/journey/csv-mapping.js';
import { createCsvRowDecoder } from '../../src/events/decode-csv-row.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';

const utc = Date.UTC;

describe('CSV time formats', () => {
  it.each([
    // iso: strict ISO, plus the trailing UTC word of the REES46 export
    ['iso', '2019-10-01 00:00:00 UTC', utc(2019, 9, 1)],
    ['iso', '2019-10-01 00:00:00UTC', utc(2019, 9, 1)],
    ['iso', ' 2019-10-01T02:00:00+02:00 ', utc(2019, 9, 1)],
    ['iso', '2019-10-01 00:00:00 GMT', utc(2019, 9, 1)],
    ['iso', '01-02-2018', undefined], // the Olist layout is not ISO: refused, not read as 2 January
    ['iso', '13-02-2018', undefined],
    ['iso', '2019-10-01 00:00:00 CET', undefined],
    ['iso', '2019-10-01 00:00:00Z UTC', undefined],
    ['epoch_ms', '1569888000000', utc(2019, 9, 1)],
    ['epoch_s', '1569888000.5', utc(2019, 9, 1, 0, 0, 0, 500)],
    ['epoch_s', '-1', undefined],
    ['epoch_s', '1e9', undefined],
    // out of range epochs come out as numbers: eventTimeIssue refuses them with a reason
    ['epoch_ms', '99999999999999999999', 1e20],
    // patterns, in UTC unless a zone is given
    ['DD-MM-YYYY', '01-02-2018', utc(2018, 1, 1)],
    ['DD-MM-YYYY', '13-02-2018', utc(2018, 1, 13)],
    ['DD-MM-YYYY', '30-02-2018', undefined],
    ['DD-MM-YYYY', '1-02-2018', undefined],
    ['DD-MM-YYYY', '2018-02-01', undefined],
    ['DD-MM-YYYY HH:mm:ss', '01-02-2018 10:15:30', utc(2018, 1, 1, 10, 15, 30)],
    ['DD-MM-YYYY HH:mm:ss', '01-02-2018 24:00:00', undefined],
    ['D/M/YYYY H:mm', '1/2/2018 9:05', utc(2018, 1, 1, 9, 5)],
    ['M/D/YYYY', '12/31/2018', utc(2018, 11, 31)],
    ['YYYY-MM-DD[T]HH:mm:ss.SSS', '2018-02-01T10:15:30.250', utc(2018, 1, 1, 10, 15, 30, 250)],
    ['YYYYMMDD', '20180201', utc(2018, 1, 1)],
  ])('%s reads "%s"', (format, text, expected) => {
    expect(createCsvTimeReader({ format })(text)).toBe(expected);
  });

  it.each([
    // Berlin: CET (+01:00) in winter, CEST (+02:00) in summer
    ['Europe/Berlin', '15-01-2024 12:00:00', utc(2024, 0, 15, 11)],
    ['Europe/Berlin', '15-07-2024 12:00:00', utc(2024, 6, 15, 10)],
    // 31 March 2024, 02:00 → 03:00: 02:30 never occurs and is read with the offset before the change (as 03:30 CEST)
    ['Europe/Berlin', '31-03-2024 01:59:59', utc(2024, 2, 31, 0, 59, 59)],
    ['Europe/Berlin', '31-03-2024 02:30:00', utc(2024, 2, 31, 1, 30)],
    ['Europe/Berlin', '31-03-2024 03:00:00', utc(2024, 2, 31, 1, 0)],
    // 27 October 2024, 03:00 → 02:00: 02:30 occurs twice, the earlier one (CEST) is taken
    ['Europe/Berlin', '27-10-2024 02:30:00', utc(2024, 9, 27, 0, 30)],
    ['Europe/Berlin', '27-10-2024 03:00:00', utc(2024, 9, 27, 2, 0)],
    ['Europe/Berlin', '27-10-2024 01:59:59', utc(2024, 9, 26, 23, 59, 59)],
    // Olist's zone: São Paulo, -03:00 without daylight saving since 2019
    ['America/Sao_Paulo', '01-02-2018 10:00:00', utc(2018, 1, 1, 12)], // -02:00 in the summer of 2018
    ['America/Sao_Paulo', '01-02-2020 10:00:00', utc(2020, 1, 1, 13)],
    // Lord Howe changes by 30 minutes (+10:30 / +11:00) at 02:00 local: not on a whole UTC hour
    ['Australia/Lord_Howe', '07-04-2024 01:45:00', utc(2024, 3, 6, 14, 45)], // occurs twice: the earlier (+11:00)
    ['Australia/Lord_Howe', '07-04-2024 02:15:00', utc(2024, 3, 6, 15, 45)], // +10:30
    ['Australia/Lord_Howe', '06-10-2024 02:15:00', utc(2024, 9, 5, 15, 45)], // in the 02:00–02:30 gap: +10:30, i.e. 02:45 +11:00
    ['Australia/Lord_Howe', '06-10-2024 02:45:00', utc(2024, 9, 5, 15, 45)],
    ['+05:30', '01-02-2018 10:00:00', utc(2018, 1, 1, 4, 30)],
    ['-0800', '01-02-2018 10:00:00', utc(2018, 1, 1, 18)],
    ['UTC', '01-02-2018 10:00:00', utc(2018, 1, 1, 10)],
  ])('%s: "%s"', (timeZone, text, expected) => {
    expect(createCsvTimeReader({ format: 'DD-MM-YYYY HH:mm:ss', timeZone })(text)).toBe(expected);
  });

  it('gives the same instants with the per-hour cache as without it, minute by minute across a year of Berlin', () => {
    const cached = createCsvTimeReader({ format: 'YYYY-MM-DD HH:mm', timeZone: 'Europe/Berlin' });
    const two = (n: number) => String(n).padStart(2, '0');
    for (let t = utc(2024, 0, 1); t < utc(2025, 0, 1); t += 7 * 60_000 + 13_000) {
      const d = new Date(t);
      const text = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
      // A fresh reader has an empty cache: the exact rule for this one time.
      expect(cached(text)).toBe(createCsvTimeReader({ format: 'YYYY-MM-DD HH:mm', timeZone: 'Europe/Berlin' })(text));
    }
  });

  it.each([
    [{ timestampFormat: 'DD-MM-YYY' }, 'timestampFormat', /unknown token "Y"/],
    [{ timestampFormat: 'dd-mm-yyyy' }, 'timestampFormat', /unknown token "d"/],
    [{ timestampFormat: 'isoo' }, 'timestampFormat', /expected iso, epoch_ms, epoch_s or a date pattern/],
    [{ timestampFormat: 'HH:mm' }, 'timestampFormat', /has no year/],
    [{ timestampFormat: 'DD-MM-YYYY DD' }, 'timestampFormat', /day appears twice/],
    [{ timestampFormat: 'DD-MM-YYYY', timeZone: 'Europe/Berln' }, 'timeZone', /unknown time zone "Europe\/Berln"/],
    [{ timestampFormat: 'iso', timeZone: 'Europe/Berlin' }, 'timeZone', /date patterns only/],
    [{ timestampFormat: 'epoch_s', timeZone: 'UTC' }, 'timeZone', /date patterns only/],
    [{ optional: ['user_id'] }, 'optional.0', /cannot be optional/],
    [{ optional: ['nosuch'] }, 'optional.0', /not a column this mapping names/],
  ])('the mapping refuses %o at load', (fields, path, message) => {
    const result = csvMappingSchema.safeParse({ timestamp: 'event_time', event: 'event_type', key: 'user_id', numeric: ['price'], ...fields });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect([issue.path.join('.'), issue.message]).toEqual([path, expect.stringMatching(message)]);
  });
});

describe('CSV rows with declared time formats', () => {
  const ctx: DecodeContext = {
    limits: DEFAULT_LIMITS,
    identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
    emailSalt: undefined,
    receivedAtMs: utc(2026, 0, 1),
  };
  const fields = (time: string) => Object.assign(Object.create(null) as Record<string, string>, { order_purchase_timestamp: time, status: 'delivered', customer_id: 'c1' });
  const decoderFor = (extra: Record<string, unknown>) =>
    createCsvRowDecoder(csvMappingSchema.parse({ timestamp: 'order_purchase_timestamp', event: 'status', key: 'customer_id', ...extra }), DEFAULT_LIMITS);

  it('reads the Olist layout as day-month-year when declared, and refuses it as iso', () => {
    const olist = decoderFor({ timestampFormat: 'DD-MM-YYYY HH:mm', timeZone: 'America/Sao_Paulo' });
    expect(olist(fields('01-02-2018 10:00'), 'raw', ctx)).toMatchObject({ kind: 'ok', value: { timestampMs: utc(2018, 1, 1, 12) } });
    const iso = decoderFor({});
    expect(iso(fields('01-02-2018 10:00'), 'raw', ctx)).toMatchObject({ kind: 'dead', reason: 'no usable event time' });
    expect(iso(fields('13-02-2018 10:00'), 'raw', ctx)).toMatchObject({ kind: 'dead', reason: 'no usable event time' });
  });

  it('dead-letters an epoch far outside the Date range with a reason instead of throwing RangeError', () => {
    const epoch = decoderFor({ timestampFormat: 'epoch_ms' });
    const result = epoch(fields('99999999999999999999'), 'raw', ctx);
    expect(result).toMatchObject({ kind: 'dead', reason: 'event time 100000000000000000000 ms since the epoch (outside years 0000–9999) is out of range' });
  });
});
