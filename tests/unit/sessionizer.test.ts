import { describe, expect, it } from 'vitest';
import { Sessionizer, type SessionSnapshot } from '../../src/sessions/sessionizer.js';
import type { EventMeta, SessionEvent } from '../../src/sessions/session-event.js';

const MIN = 60_000;
const META: EventMeta = { channel: 'Direct', campaign: '', device: 'desktop', browser: 'Chrome', os: 'Windows', country: 'US', segment: '', sourceSessionId: '' };
const settings = { inactivityGapMs: 30 * MIN, maxDurationMs: 24 * 60 * MIN, allowedLatenessMs: 5 * MIN, splitOnInactivity: true };

let nextId = 1;
function ev(minute: number, stageIndex = 1, idHash = nextId++): SessionEvent {
  return { timestampMs: minute * MIN, stageIndex, idHash, touchpoint: `t${minute}`, meta: META };
}

/** Runs events through a sessionizer (advancing after each batch) and closes everything at the end. */
function sessionize(batches: Array<Array<[string, SessionEvent]>>, options = settings) {
  const s = new Sessionizer(options);
  const outcomes: string[] = [];
  const closed: SessionSnapshot[] = [];
  for (const batch of batches) {
    for (const [key, event] of batch) outcomes.push(s.add(key, key, event));
    closed.push(...s.advance());
  }
  closed.push(...s.advance(Number.MAX_SAFE_INTEGER));
  const minutes = closed.map((c) => c.events.map((e) => e.timestampMs / MIN));
  return { outcomes, closed, minutes };
}

describe('Sessionizer', () => {
  it.each([
    { name: 'a gap exactly equal to the timeout keeps one session', times: [0, 30], sessions: [[0, 30]] },
    { name: 'a gap 1 ms longer splits', times: [0, 30 + 1 / MIN], sessions: [[0], [30 + 1 / MIN]] },
    { name: 'three sessions', times: [0, 10, 50, 55, 120], sessions: [[0, 10], [50, 55], [120]] },
  ])('inactivity: $name', ({ times, sessions }) => {
    expect(sessionize([times.map((t) => ['k', ev(t)] as [string, SessionEvent])]).minutes).toEqual(sessions);
  });

  it('splits at the maximum duration', () => {
    const times = Array.from({ length: 80 }, (_, i) => i * 20); // every 20 min for 26h20
    const { minutes } = sessionize([times.map((t) => ['k', ev(t)] as [string, SessionEvent])]);
    expect(minutes.map((m) => [m[0], m[m.length - 1]])).toEqual([
      [0, 1440],
      [1460, 1580],
    ]);
  });

  it('places an out-of-order event within the lateness and gives the same session id as in order', () => {
    const [a, b, c] = [ev(0), ev(10), ev(7)];
    const inOrder = sessionize([[['k', a], ['k', c], ['k', b]]]);
    const shuffled = sessionize([[['k', a]], [['k', b]], [['k', c]]]);
    expect(shuffled.outcomes).toEqual(['accepted', 'accepted', 'accepted']);
    expect(shuffled.minutes).toEqual([[0, 7, 10]]);
    expect(shuffled.closed[0]!.sessionId).toBe(inOrder.closed[0]!.sessionId);
  });

  it('an earlier out-of-order event becomes the first event (and the id follows it)', () => {
    const first = ev(3);
    const { minutes, closed } = sessionize([[['k', ev(5)], ['k', ev(6)]], [['k', first]]]);
    expect(minutes).toEqual([[3, 5, 6]]);
    expect(closed[0]!.events[0]).toEqual(first);
  });

  it('an out-of-order event can bridge two open sessions into one', () => {
    const { minutes } = sessionize([[['k', ev(0)], ['k', ev(40)]], [['k', ev(20)]]], { ...settings, allowedLatenessMs: 60 * MIN });
    expect(minutes).toEqual([[0, 20, 40]]);
  });

  it('reports an event older than the closing watermark as late', () => {
    // The session of minute 0 closes once the watermark passes 30 min (newest 40 − lateness 5 = 35).
    const { outcomes, minutes } = sessionize([[['k', ev(0)], ['other', ev(40)]], [['k', ev(10)]]]);
    expect(outcomes).toEqual(['accepted', 'accepted', 'late']);
    expect(minutes).toEqual([[0], [40]]);
  });

  it('accepts an event older than the watermark when it falls inside an open session of its key', () => {
    const { outcomes, minutes } = sessionize([[['k', ev(30)], ['k', ev(38)]], [['k', ev(31)]]]);
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted']);
    expect(minutes).toEqual([[30, 31, 38]]);
  });

  it('counts a duplicate (same time and id) once', () => {
    const original = ev(1);
    const { outcomes, minutes } = sessionize([[['k', ev(0)], ['k', original], ['k', ev(2)], ['k', { ...original }]]]);
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'duplicate']);
    expect(minutes).toEqual([[0, 1, 2]]);
  });

  it('counts a retried message (same id, a slightly different corrected time) once, in any batch', () => {
    const original = ev(1);
    const retry = { ...original, timestampMs: original.timestampMs + 1_500 };
    const { outcomes, minutes } = sessionize([[['k', ev(0)], ['k', original], ['k', ev(2)]], [['k', retry]]]);
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'duplicate']);
    expect(minutes).toEqual([[0, 1, 2]]);
  });

  it('leaves the same id far apart in time to the processor (only a hash is kept here)', () => {
    const original = ev(1);
    const distant = sessionize([[['k', original], ['k', { ...original, timestampMs: original.timestampMs + 10 * MIN }]]]);
    expect(distant.outcomes).toEqual(['accepted', 'accepted']);
  });

  it('keeps keys apart', () => {
    const { minutes } = sessionize([[['a', ev(0)], ['b', ev(1)], ['a', ev(2)]]]);
    expect(minutes.sort()).toEqual([[0, 2], [1]]);
  });

  it('orders same-timestamp events by stage, whatever their arrival order', () => {
    const { closed } = sessionize([[['k', ev(5, 3)], ['k', ev(5, 1)], ['k', ev(5, 2)]]]);
    expect(closed[0]!.events.map((e) => e.stageIndex)).toEqual([1, 2, 3]);
  });

  it('closes sessions on an idle watermark without new events', () => {
    const s = new Sessionizer(settings);
    s.add('k', 'k', ev(0));
    expect(s.advance()).toEqual([]);
    expect(s.advance(29 * MIN)).toEqual([]);
    expect(s.advance(30 * MIN + 1).map((c) => c.events.length)).toEqual([1]);
    expect(s.openSessionCount).toBe(0);
  });

  it('gives the same sessions whatever the batch boundaries and arrival order within the lateness', () => {
    const base = [0, 1, 2, 3, 40, 41, 42, 100, 101, 160].map((t, i) => ['k', ev(t, (i % 3) + 1)] as [string, SessionEvent]);
    const reference = sessionize([base]);
    // Swap neighbours (at most a few minutes apart) and cut batches differently.
    const shuffled = [base[1]!, base[0]!, base[3]!, base[2]!, base[5]!, base[4]!, base[6]!, base[8]!, base[7]!, base[9]!];
    const variant = sessionize([shuffled.slice(0, 3), shuffled.slice(3, 4), shuffled.slice(4)]);
    expect(variant.closed.map((c) => c.sessionId)).toEqual(reference.closed.map((c) => c.sessionId));
    expect(variant.minutes).toEqual(reference.minutes);
  });

  it('records provisional sessions and tombstones an id that an earlier event replaces', () => {
    const s = new Sessionizer({ ...settings, allowedLatenessMs: 60 * MIN });
    s.add('k', 'k', ev(10));
    const [provisional] = s.snapshotOpen().sessions;
    s.add('k', 'k', ev(5));
    expect(s.takeTombstones()).toEqual([{ sessionId: provisional!.sessionId, key: 'k', startMs: 10 * MIN }]);
  });

  it('follows source session ids instead of inactivity when configured', () => {
    const s = new Sessionizer({ ...settings, splitOnInactivity: false });
    s.add('k', 'k\u0000s1', ev(0));
    s.add('k', 'k\u0000s2', ev(1));
    s.add('k', 'k\u0000s1', ev(2));
    const closed = s.advance(Number.MAX_SAFE_INTEGER);
    expect(closed.map((c) => [c.groupKey, c.events.length]).sort()).toEqual([
      ['k\u0000s1', 2],
      ['k\u0000s2', 1],
    ]);
  });

  it('closes exactly the sessions the watermark has passed, after every batch (deadline queue)', () => {
    // 40 visitors in time order, cut into random batches; visitors come back
    // after the gap, and some stay past the (short) maximum duration.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const short = { ...settings, maxDurationMs: 90 * MIN };
    const arrivals: Array<[string, SessionEvent]> = [];
    for (let minute = 0; minute < 2_000; minute++) {
      for (let n = Math.floor(random() * 4); n > 0; n--) arrivals.push([`k${Math.floor(random() * 40)}`, ev(minute + random() * 0.9)]);
    }
    arrivals.sort((a, b) => a[1].timestampMs - b[1].timestampMs);
    const closesAfter = (session: SessionSnapshot) => {
      const times = session.events.map((e) => e.timestampMs);
      return Math.min(times[times.length - 1]! + short.inactivityGapMs, times[0]! + short.maxDurationMs);
    };
    const reference = sessionize([arrivals], short).closed;
    expect(reference.length).toBeGreaterThan(300);

    const s = new Sessionizer(short);
    const closed = new Set<string>();
    let batches = 0;
    for (let i = 0; i < arrivals.length; batches++) {
      const end = Math.min(arrivals.length, i + 1 + Math.floor(random() * 30));
      for (; i < end; i++) s.add(arrivals[i]![0], arrivals[i]![0], arrivals[i]![1]);
      for (const session of s.advance()) closed.add(session.sessionId);
      // Closed so far = exactly the sessions whose closing time the watermark passed.
      const due = reference.filter((session) => s.watermarkMs > closesAfter(session)).map((session) => session.sessionId);
      expect([...closed].sort()).toEqual(due.sort());
    }
    expect(batches).toBeGreaterThan(100);
  });
});
