import { describe, expect, it } from 'vitest';
import { internMeta, type EventMeta } from '../../src/sessions/session-event.js';

const meta = (overrides: Partial<EventMeta> = {}): EventMeta => ({
  channel: 'Organic Search',
  campaign: '',
  device: 'mobile',
  browser: 'Safari',
  os: 'iOS',
  country: 'BR',
  segment: 'vip',
  sourceSessionId: '',
  ...overrides,
});

describe('internMeta', () => {
  it('gives equal metas one shared copy', () => {
    const first = internMeta(meta());
    expect(internMeta(meta())).toBe(first);
  });

  it('never merges metas that differ in any field, field boundaries included', () => {
    const base = internMeta(meta({ campaign: 'ab', country: 'c' }));
    // Same characters, moved across the boundary between two fields.
    const shifted = internMeta(meta({ campaign: 'a', country: 'bc' }));
    expect(shifted).not.toBe(base);
    expect(shifted).toEqual(meta({ campaign: 'a', country: 'bc' }));
    for (const field of Object.keys(meta()) as Array<keyof EventMeta>) {
      const changed = internMeta(meta({ [field]: 'other' }));
      expect(changed[field]).toBe('other');
    }
  });

  it('returns an equal meta even when it replaced a colliding entry', () => {
    // Many distinct metas: whatever collides, each call returns a meta equal to its input.
    for (let i = 0; i < 20_000; i++) {
      const input = meta({ campaign: `c${i}`, segment: `s${i % 7}` });
      expect(internMeta(input)).toEqual(input);
    }
  });
});
