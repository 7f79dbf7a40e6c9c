import { describe, expect, it } from 'vitest';
import { buildSessionRecord, type RecordContext, type SessionRecord } from '../../src/sessions/session-record.js';
import type { EventMeta, SessionEvent } from '../../src/sessions/session-event.js';
import { plainRules } from '../../src/sessions/funnel-progress.js';
import type { FunnelMode } from '../../src/journey/definition-schema.js';

const MIN = 60_000;
const META: EventMeta = { channel: 'Email', campaign: 'nov', device: 'mobile', browser: 'Safari', os: 'iOS', country: 'FR', segment: 'vip', sourceSessionId: '' };
const STAGES = ['visit', 'cart', 'checkout', 'purchase'];
const ctx = (watermarkMs: number): RecordContext => ({
  pipeline: 'p',
  stream: 'files',
  stageNames: STAGES,
  conversionStageIndex: 4,
  // A session is its own window.
  rules: plainRules(STAGES.length, Infinity),
  abandonment: [{ name: 'checkout_abandonment', fromIndex: 3, toIndex: 4, withinMs: 60 * MIN }],
  watermarkMs,
});
let id = 0;
const ev = (minute: number, stageIndex: number, touchpoint = `t${minute}`): SessionEvent => ({ timestampMs: minute * MIN, stageIndex, idHash: ++id, touchpoint, meta: META });
/** An event that matches no stage but the `exclude` rules of stage k. */
const exclusion = (minute: number, k: number): SessionEvent => ({ ...ev(minute, 0, 'Coupon Removed'), exclusionIndex: k });
const record = (events: SessionEvent[], closed: boolean, watermarkMin = 0) =>
  buildSessionRecord({ key: 'k', groupKey: 'k', events, sessionId: 's', closed }, ctx(watermarkMin * MIN));
const outcomeIn = (r: SessionRecord, mode: FunnelMode) => r.abandonment_outcomes[r.abandonment_modes.indexOf(mode)];

describe('session records', () => {
  it.each([
    { name: 'purchase within the hour: completed', events: [ev(0, 1), ev(5, 3), ev(30, 4)], closed: true, wm: 0, outcome: 'completed' },
    { name: 'purchase exactly at the deadline: completed', events: [ev(0, 3), ev(60, 4)], closed: true, wm: 0, outcome: 'completed' },
    { name: 'purchase 1 min after the deadline: abandoned', events: [ev(0, 3), ev(30, 2), ev(61, 4)], closed: true, wm: 0, outcome: 'abandoned' },
    // Milestones: purchase enters checkout too (skipped), so the rule starts and completes at once.
    { name: 'purchase before checkout: checkout entered with it, completed', events: [ev(0, 4), ev(5, 3)], closed: true, wm: 0, outcome: 'completed' },
    { name: 'the clock starts at the first checkout', events: [ev(0, 3), ev(50, 3), ev(70, 4)], closed: true, wm: 0, outcome: 'abandoned' },
    { name: 'open session before the deadline: pending', events: [ev(0, 3)], closed: false, wm: 30, outcome: 'pending' },
    { name: 'open session past the deadline: abandoned', events: [ev(0, 3)], closed: false, wm: 61, outcome: 'abandoned' },
    { name: 'closed session ends the wait: abandoned', events: [ev(0, 3)], closed: true, wm: 0, outcome: 'abandoned' },
    { name: 'never reached checkout: not started', events: [ev(0, 1), ev(1, 2)], closed: true, wm: 0, outcome: 'not_started' },
  ])('abandonment (reached): $name', ({ events, closed, wm, outcome }) => {
    const r = record(events, closed, wm);
    expect(r.abandonment_modes).toEqual(['reached', 'ordered', 'strict', 'any']);
    expect(r.abandonment_rules).toEqual(Array(4).fill('checkout_abandonment'));
    expect(outcomeIn(r, 'reached')).toBe(outcome);
    // `any` rows count distinct stages, not named ones: no rule starts there.
    expect(outcomeIn(r, 'any')).toBe('not_started');
  });

  it.each([
    { name: 'checkout without visit and cart: not started', events: [ev(0, 3), ev(30, 4)], outcome: 'not_started' },
    { name: 'the full chain: completed', events: [ev(0, 1), ev(1, 2), ev(5, 3), ev(30, 4)], outcome: 'completed' },
    // The latest checkout extends the chain (50), and purchase 20 min after it completes; `reached` starts the clock at 2.
    { name: 'the clock starts at the chain’s checkout', events: [ev(0, 1), ev(1, 2), ev(2, 3), ev(50, 3), ev(70, 4)], outcome: 'completed', reached: 'abandoned' },
    { name: 'purchase 1 min late: abandoned', events: [ev(0, 1), ev(1, 2), ev(5, 3), ev(66, 4)], outcome: 'abandoned' },
  ])('abandonment (ordered): $name', ({ events, outcome, reached }) => {
    const r = record(events, true);
    expect(outcomeIn(r, 'ordered')).toBe(outcome);
    expect(outcomeIn(r, 'strict')).toBe(outcome);
    if (reached) expect(outcomeIn(r, 'reached')).toBe(reached);
  });

  it('describes the path, progress in every mode, entry and exit', () => {
    const r = record([ev(0, 1, '/'), ev(1, 0, 'Help Viewed'), ev(2, 2), ev(3, 2), ev(4, 1), ev(6, 3), ev(9, 4, 'Order Completed')], true);
    expect(r).toMatchObject({
      event_count: 7,
      path_stages: ['visit', 'cart', 'visit', 'checkout', 'purchase'],
      path_times: [0, 2, 4, 6, 9].map((m) => m * MIN),
      funnel_modes: ['reached', 'ordered', 'strict', 'any'],
      funnel_levels: [4, 4, 4, 4],
      funnel_skipped: [0, 0, 0, 0],
      funnel_excluded: [0, 0, 0, 0],
      funnel_reached: [
        [0, 2, 6, 9].map((m) => m * MIN),
        // The second cart (3) extends the chain; checkout extends the chain at cart.
        [0, 3, 6, 9].map((m) => m * MIN),
        [0, 3, 6, 9].map((m) => m * MIN),
        [0, 2, 6, 9].map((m) => m * MIN),
      ],
      funnel_step_ms: [[2, 4, 3], [3, 3, 3], [3, 3, 3], [2, 4, 3]].map((steps) => steps.map((m) => m * MIN)),
      progress_path: ['visit', 'cart', 'checkout', 'purchase'],
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

  it('a skipped stage: entered and skipped in reached mode, the end of the chain in ordered and strict', () => {
    const r = record([ev(0, 1), ev(5, 3), ev(10, 4)], true);
    expect(r).toMatchObject({
      funnel_levels: [4, 1, 1, 3],
      funnel_skipped: [0b10, 0, 0, 0],
      funnel_reached: [[0, 5, 5, 10].map((m) => m * MIN), [0], [0], [0, 5, 10].map((m) => m * MIN)],
      funnel_step_ms: [[-1, -1, 5 * MIN], [], [], [5 * MIN, 5 * MIN]],
      furthest_stage: 'purchase',
      converted: 1,
    });
  });

  it('an exclusion event between cart and checkout leaves the session out of reached, ordered and strict (not any)', () => {
    const r = record([ev(0, 1), ev(2, 2), exclusion(3, 3), ev(4, 3), ev(5, 4)], true);
    expect(r).toMatchObject({
      event_count: 5,
      path_stages: STAGES,
      funnel_levels: [4, 4, 4, 4],
      funnel_excluded: [1, 1, 1, 0],
      // Excluded from the conversion and from every abandonment rule of those modes.
      converted: 0,
      abandonment_outcomes: ['not_started', 'not_started', 'not_started', 'not_started'],
    });
  });

  it('an exclusion event outside its stage’s span excludes nothing', () => {
    expect(record([ev(0, 1), exclusion(1, 3), ev(2, 2), ev(4, 3)], true).funnel_excluded).toEqual([0, 0, 0, 0]);
    expect(record([ev(0, 1), ev(2, 2), ev(4, 3), exclusion(5, 3)], true).funnel_excluded).toEqual([0, 0, 0, 0]);
  });

  it('versions grow with events and with closing, so the newest state wins', () => {
    const open = record([ev(0, 1)], false, 0);
    const closed = record([ev(0, 1)], true, 0);
    const bigger = record([ev(0, 1), ev(1, 2)], false, 0);
    expect(closed.version).toBeGreaterThan(open.version);
    expect(bigger.version).toBeGreaterThan(closed.version);
  });
});
