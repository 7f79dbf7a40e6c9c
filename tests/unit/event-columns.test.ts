import { describe, expect, it } from 'vitest';
import { EventColumns } from '../../src/sessions/event-columns.js';
import type { EventMeta, SessionEvent } from '../../src/sessions/session-event.js';

const META: EventMeta = { channel: 'Direct', campaign: '', device: 'desktop', browser: 'Chrome', os: 'macOS', country: 'FR', segment: '', sourceSessionId: '' };
const ev = (timestampMs: number, stageIndex: number, idHash: number, exclusionIndex?: number): SessionEvent => ({
  timestampMs,
  stageIndex,
  idHash,
  touchpoint: `t${timestampMs}`,
  meta: META,
  ...(exclusionIndex === undefined ? {} : { exclusionIndex }),
});

describe('EventColumns packs id hash, exclusion and stage into one number', () => {
  it('round-trips the extremes exactly (31-bit hash, exclusion 31, stage 31)', () => {
    const events = [ev(1_700_000_000_000, 31, 2_147_483_647), ev(1_700_000_000_001, 0, 2_147_483_647, 31), ev(1_700_000_000_002, 0, 0, 1), ev(1_700_000_000_003, 5, 12345)];
    const columns = EventColumns.from(events);
    expect(columns.slice(0, columns.length)).toEqual(events);
  });

  it('leaves exclusionIndex absent on events without one (no new field on the common path)', () => {
    const [event] = EventColumns.from([ev(10, 2, 7)]).slice(0, 1);
    expect(Object.keys(event!)).not.toContain('exclusionIndex');
    expect(EventColumns.from([ev(10, 0, 7, 0)]).eventAt(0)).not.toHaveProperty('exclusionIndex');
  });

  it('sorts, finds copies and refuses exact duplicates with exclusions packed in', () => {
    const columns = EventColumns.from([ev(0, 1, 1), ev(20, 3, 3)]);
    expect(columns.insertSorted(ev(10, 0, 2, 3))).toBe(true);
    expect(columns.insertSorted(ev(10, 0, 2, 3))).toBe(false);
    expect(columns.hasCopyNear(ev(12, 0, 2, 3), 5)).toBe(true);
    expect(columns.hasCopyNear(ev(12, 0, 4, 3), 5)).toBe(false);
    expect(columns.slice(0, 3).map((e) => [e.timestampMs, e.stageIndex, e.idHash, e.exclusionIndex])).toEqual([
      [0, 1, 1, undefined],
      [10, 0, 2, 3],
      [20, 3, 3, undefined],
    ]);
  });
});
