import { describe, expect, it } from 'vitest';
import { buildSessionRecord, type RecordContext } from '../../src/sessions/session-record.js';
import type { EventMeta, SessionEvent } from '../../src/sessions/session-event.js';

const MIN = 60_000;
const META: EventMeta = { channel: 'Email', campaign: 'nov', device: 'mobile', browser: 'Safari', os: 'iOS', country: 'FR', segment: 'vip', sourceSessionId: '' };
const STAGES = ['visit', 'cart', 'checkout', 'purchase'];
const ctx = (watermarkMs: number): RecordContext => ({
  pipeline: 'p',
  stream: 'files',
  stageNames: STAGES,
  conversionStageIndex: 4,
  abandonment: [{ name: 'checkout_abandonment', fromIndex: 3, toIndex: 4, withinMs: 60 * MIN }],
  watermarkMs,
});
let id = 0;
const ev = (minute: number, stageIndex: number, touchpoint = `t${minute}`): SessionEvent => ({ timestampMs: minute * MIN, stageIndex, idHash: ++id, touchpoint, meta: META });
const record = (events: SessionEvent[], closed: boolean, watermarkMin = 0) =>
  buildSessionRecord({ key: 'k', groupKey: 'k', events, sessionId: 's', closed }, ctx(watermarkMin * MIN));

describe('session records', () => {
  it.each([
    { name: 'purchase within the hour: completed', events: [ev(0, 1), ev(5, 3), ev(30, 4)], closed: true, wm: 0, outcome: 'completed' },
    { name: 'purchase exactly at the deadline: completed', events: [ev(0, 3), ev(60, 4)], closed: true, wm: 0, outcome: 'completed' },
    { name: 'purchase 1 min after the deadline: abandoned', events: [ev(0, 3), ev(30, 2), ev(61, 4)], closed: true, wm: 0, outcome: 'abandoned' },
    { name: 'purchase before checkout does not count', events: [ev(0, 4), ev(5, 3)], closed: true, wm: 0, outcome: 'abandoned' },
    { name: 'the clock starts at the first checkout', events: [ev(0, 3), ev(50, 3), ev(70, 4)], closed: true, wm: 0, outcome: 'abandoned' },
    { name: 'open session before the deadline: pending', events: [ev(0, 3)], closed: false, wm: 30, outcome: 'pending' },
    { name: 'open session past the deadline: abandoned', events: [ev(0, 3)], closed: false, wm: 61, outcome: 'abandoned' },
    { name: 'closed session ends the wait: abandoned', events: [ev(0, 3)], closed: true, wm: 0, outcome: 'abandoned' },
    { name: 'never reached checkout: not started', events: [ev(0, 1), ev(1, 2)], closed: true, wm: 0, outcome: 'not_started' },
  ])('abandonment: $name', ({ events, closed, wm, outcome }) => {
    expect(record(events, closed, wm).abandonment_outcomes).toEqual([outcome]);
  });

  it('describes the path, levels, entry and exit', () => {
    const r = record([ev(0, 1, '/'), ev(1, 0, 'Help Viewed'), ev(2, 2), ev(3, 2), ev(4, 1), ev(6, 3), ev(9, 4, 'Order Completed')], true);
    expect(r).toMatchObject({
      event_count: 7,
      path_stages: ['visit', 'cart', 'visit', 'checkout', 'purchase'],
      path_times: [0, 2, 4, 6, 9].map((m) => m * MIN),
      ordered_level: 4,
      ordered_reached: [0, 2, 6, 9].map((m) => m * MIN),
      furthest_level: 4,
      furthest_stage: 'purchase',
      exit_stage: 'purchase',
      entry_touchpoint: '/',
      exit_touchpoint: 'Order Completed',
      entry_channel: 'Email',
      entry_campaign: 'nov',
      converted: 1,
      device: 'mobile',
      country: 'FR',
      segment: 'vip',
      start: 0,
      end: 9 * MIN,
      is_open: 0,
    });
  });

  it('versions grow with events and with closing, so the newest state wins', () => {
    const open = record([ev(0, 1)], false, 0);
    const closed = record([ev(0, 1)], true, 0);
    const bigger = record([ev(0, 1), ev(1, 2)], false, 0);
    expect(closed.version).toBeGreaterThan(open.version);
    expect(bigger.version).toBeGreaterThan(closed.version);
  });
});
