import { describe, expect, it } from 'vitest';
import { WriteKeys, writeKeyOf, writeKeysFromList } from '../../src/collector/write-keys.js';

const basic = (text: string) => ({ authorization: `Basic ${Buffer.from(text).toString('base64')}` });

describe('write keys', () => {
  it('allows exactly the configured keys; an empty or missing key never', () => {
    const keys = new WriteKeys(['k-one', 'k-two']);
    expect(keys.open).toBe(false);
    expect(keys.allows('k-one')).toBe(true);
    expect(keys.allows('k-two')).toBe(true);
    expect(keys.allows('k-on')).toBe(false);
    expect(keys.allows('k-one ')).toBe(false);
    expect(keys.allows('')).toBe(false);
    expect(keys.allows(undefined)).toBe(false);
  });

  it('no key configured: open (every call is accepted)', () => {
    const keys = new WriteKeys(['']);
    expect(keys.open).toBe(true);
    expect(keys.allows(undefined)).toBe(true);
  });

  it('JOURNEYS_WRITE_KEYS is a comma-separated list; blanks are dropped', () => {
    expect(writeKeysFromList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(writeKeysFromList(undefined)).toEqual([]);
  });

  it("reads Segment's Basic auth (key as the user, no password), else the body's writeKey", () => {
    expect(writeKeyOf(basic('wk:'), {})).toBe('wk');
    expect(writeKeyOf(basic('wk'), {})).toBe('wk');
    expect(writeKeyOf({ authorization: `basic ${Buffer.from('wk:').toString('base64')}` }, {})).toBe('wk');
    // The header wins over the body.
    expect(writeKeyOf(basic('header-key:'), { writeKey: 'body-key' })).toBe('header-key');
    expect(writeKeyOf({}, { writeKey: 'body-key' })).toBe('body-key');
    expect(writeKeyOf({ authorization: 'Bearer x' }, { writeKey: 7 })).toBeUndefined();
    expect(writeKeyOf({}, [{ writeKey: 'in-array' }])).toBeUndefined();
  });
});
