import { describe, expect, it } from 'vitest';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { createCsvRowDecoder } from '../../src/events/decode-csv-row.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';

const ctx: DecodeContext = {
  limits: DEFAULT_LIMITS,
  identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
  emailSalt: undefined,
  receivedAtMs: Date.UTC(2026, 0, 1),
};
const rees46 = loadDefinition('rees46', { pipelinesDir: 'pipelines' }).definition.csv!;
const decode = createCsvRowDecoder(rees46, DEFAULT_LIMITS);
const HEADER = ['event_time', 'event_type', 'product_id', 'category_id', 'category_code', 'brand', 'price', 'user_id', 'user_session'];
const row = (values: string[], header = HEADER) => {
  const fields = Object.create(null) as Record<string, string>;
  header.forEach((column, i) => (fields[column] = values[i]!));
  return fields;
};
const VIEW = ['2019-10-01 00:00:00 UTC', 'view', '44600062', '2103807459595387724', '', 'shiseido', '35.79', '541312140', 's1'];

describe('CSV rows (REES46 mapping)', () => {
  it('reads a row', () => {
    expect(decode(row(VIEW), 'raw', ctx)).toMatchObject({ kind: 'ok', value: { key: 'u:541312140', name: 'view', timestampMs: Date.UTC(2019, 9, 1) } });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('dead-letters an %s user_id: the key column stays required although it is also numeric (it was accepted with key "")', (_, userId) => {
    const values = [...VIEW];
    values[7] = userId;
    expect(decode(row(values), 'raw', ctx)).toMatchObject({ kind: 'dead', reason: 'invalid CSV row: user_id: required', issues: [{ path: 'user_id' }] });
  });

  it('still checks that user_id is a number', () => {
    const values = [...VIEW];
    values[7] = 'abc';
    expect(decode(row(values), 'raw', ctx)).toMatchObject({ kind: 'dead', reason: 'invalid CSV row: user_id: expected a number' });
  });

  it('keeps a column named __proto__ as a property', () => {
    const result = decode(row([...VIEW, 'x'], [...HEADER, '__proto__']), 'raw', ctx);
    expect(result.kind).toBe('ok');
    if (result.kind !== 'ok') return;
    expect(Object.keys(result.value.properties)).toContain('__proto__');
    expect(result.value.properties['__proto__']).toBe('x');
    expect(JSON.parse(JSON.stringify(result.value.properties))).toHaveProperty('__proto__', 'x');
  });

  it('rees46.yaml marks category_id optional, so the cosmetics layout without it is read', () => {
    expect(rees46.optional).toEqual(['category_id']);
  });
});
