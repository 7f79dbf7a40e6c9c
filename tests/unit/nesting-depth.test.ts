import { describe, expect, it } from 'vitest';
import { createJsonRecordDecoder } from '../../src/events/decode-json-record.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';

const ctx: DecodeContext = {
  limits: DEFAULT_LIMITS,
  identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
  emailSalt: undefined,
  receivedAtMs: Date.UTC(2026, 10, 2, 12, 0, 0),
};
const decode = createJsonRecordDecoder(DEFAULT_LIMITS);
const valid = { type: 'track', event: 'Product Viewed', messageId: 'm1', anonymousId: 'a1', timestamp: '2026-11-02T11:00:00.000Z' };

/** An object `levels` deep: nest(1) is {}, nest(2) is {a:{}}. */
function nest(levels: number, key = 'a'): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < levels; i++) value = { [key]: value };
  return value;
}

/** The JSON text of nest(levels), built as text: JSON.stringify itself overflows on ~5,000 levels. */
function nestText(levels: number): string {
  return `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;
}

function arrays(levels: number): unknown[] {
  let value: unknown[] = [];
  for (let i = 1; i < levels; i++) value = [value];
  return value;
}

describe('nesting depth of JSON records (limit 32, the record itself is level 1)', () => {
  // Before: accepted, and the events row's JSON.stringify threw RangeError
  // (Maximum call stack size exceeded) in RowBuffer.pushLine: the run died.
  it('dead-letters ~5,000 levels inside properties (a 30 KB line) with reason and path', () => {
    const raw = `${JSON.stringify(valid).slice(0, -1)},"properties":${nestText(5_000)}}`;
    expect(raw.length).toBeGreaterThan(29_000);
    const result = decode(raw, ctx);
    expect(result.kind).toBe('dead');
    if (result.kind !== 'dead') return;
    expect(result.reason).toMatch(/nested more than 32 levels deep/);
    // properties is level 2; the object 31 keys below it is level 33.
    expect(result.issues).toEqual([{ path: ['properties', ...Array<string>(31).fill('a')].join('.'), message: 'objects and arrays nested more than 32 levels deep' }]);
  });

  it.each([
    ['an object at exactly level 32', 'ok', { properties: nest(31) }],
    ['an object at level 33', 'dead', { properties: nest(32) }],
    ['arrays at exactly level 32', 'ok', { properties: { list: arrays(30) } }],
    ['arrays at level 33', 'dead', { properties: { list: arrays(31) } }],
    ['a deep unknown top-level field', 'dead', { traits: nest(40) }],
    ['deep context', 'dead', { context: { traits: nest(40) } }],
    ['many brackets inside a string', 'ok', { properties: { note: '{['.repeat(100) } }],
    ['many shallow objects', 'ok', { properties: { items: Array.from({ length: 100 }, (_, i) => ({ id: i, tags: [{ k: 'v' }] })) } }],
  ])('%s → %s', (_name, kind, fields) => {
    expect(decode(JSON.stringify({ ...valid, ...fields }), ctx).kind).toBe(kind);
  });

  it('names the array index in the path, and cuts a long path', () => {
    const result = decode(JSON.stringify({ ...valid, properties: { list: arrays(31) } }), ctx);
    expect(result.kind === 'dead' && result.issues[0]!.path).toBe(['properties', 'list', ...Array<string>(30).fill('0')].join('.'));
    const long = decode(JSON.stringify({ ...valid, properties: nest(40, 'k'.repeat(50)) }), ctx);
    expect(long.kind === 'dead' && long.issues[0]!.path).toMatch(/^properties\.k{50}\.k{50}.{40,}…$/);
  });

  it('applies to CRM envelopes too', () => {
    const envelope = { source: 'crm', id: 'c', kind: 'activity', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1', activity: { channel: 'call', direction: 'inbound' } };
    expect(decode(`${JSON.stringify(envelope).slice(0, -1)},"properties":${nestText(5_000)}}`, ctx)).toMatchObject({ kind: 'dead', step: 'decode-json' });
    expect(decode(JSON.stringify({ ...envelope, properties: nest(5) }), ctx).kind).toBe('ok');
  });

  it('follows a configured limit', () => {
    const strict = createJsonRecordDecoder({ ...DEFAULT_LIMITS, maxNestingDepth: 4 });
    expect(strict(JSON.stringify({ ...valid, properties: nest(3) }), ctx).kind).toBe('ok');
    expect(strict(JSON.stringify({ ...valid, properties: nest(4) }), ctx)).toMatchObject({ kind: 'dead', reason: 'properties.a.a.a: objects and arrays nested more than 4 levels deep' });
  });
});
