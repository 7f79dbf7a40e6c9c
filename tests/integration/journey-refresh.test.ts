import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import type { Store } from '../../src/stores/store.js';
import { definitionSchema } from '../../src/journey/definition-schema.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { refreshJourneys } from '../../src/pipeline/journey-refresh.js';
import { journeyIdOf } from '../../src/sessions/journey-record.js';

const H = 3_600_000;
const DAY = 24 * H;
const T = Date.UTC(2026, 10, 2);
const at = (day: number, hour = 10) => T + day * DAY + hour * H;
const dayOf = (day: number) => T + day * DAY;
const ODD = 'Café "Ünïcode" a/b \\ \t 😀 \u2028 \u2029 \u0001 \u007f';

const pipeline = compilePipeline(
  definitionSchema.parse({
    name: 'jr',
    stages: [
      { name: 'a', match: [{ event: 'A' }] },
      { name: 'b', match: [{ event: 'B' }], exclude: [{ event: 'X' }] },
      { name: 'c', match: [{ event: 'C' }] },
    ],
    funnel: { journeyWindow: '7d', conversionStage: 'b' },
    abandonment: [{ name: 'a_to_b', from: 'a', to: 'b', within: '2d' }],
  }),
);

const EVENT_COLUMNS = ['pipeline', 'stream', 'key', 'ts', 'event_id', 'received_at', 'stage_index', 'stage', 'exclusion_index', 'channel', 'touchpoint', 'device'];
let ids = 0;
async function insertEvents(store: Store, events: Array<{ key: string; ts: number; stage: number; exclusion?: number; channel?: string }>): Promise<void> {
  const rows = events.map((e) => [
    'jr', 'files', e.key, e.ts, `e${++ids}`, e.ts, e.stage, e.stage > 0 ? pipeline.stageNames[e.stage - 1] : '', e.exclusion ?? 0, e.channel ?? 'Direct', `/t${e.stage}`, 'desktop',
  ]);
  await store.insertCompactRows('events', EVENT_COLUMNS, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
}

interface Row {
  key: string;
  journey_id: string;
  start_ms: number;
  event_count: number;
  is_open: number;
  converted: number;
  entry_channel: string;
  outcome_reached: string;
}
const live = (store: Store) =>
  store
    .query<Row>(
      `SELECT key, journey_id, toUnixTimestamp64Milli(start) AS start_ms, event_count, is_open, converted, entry_channel,
              abandonment_outcomes[1] AS outcome_reached
         FROM journeys FINAL WHERE pipeline = 'jr' AND is_deleted = 0 ORDER BY key, start`,
    )
    .then((rows) => rows.map((r) => ({ ...r, start_ms: Number(r.start_ms) })));
const everything = (store: Store) => store.queryText(`SELECT * FROM journeys FINAL ORDER BY key, journey_id FORMAT TSV`);
const rowCount = async (store: Store) => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM journeys`))[0]!.n);

describe('refreshJourneys on the embedded store', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
  });
  afterAll(async () => cleanup?.());

  it('builds, moves, retires and revives journeys, and does nothing when nothing changed', async () => {
    await insertEvents(store, [
      // Worked example: A day 0, A day 8, B day 8 + 1 h → [A], [A, B]; the page view on day 1 has no stage.
      { key: 'k1', ts: at(0), stage: 1, channel: 'Email' },
      { key: 'k1', ts: at(1), stage: 0 },
      { key: 'k1', ts: at(8), stage: 1, channel: 'Paid' },
      { key: 'k1', ts: at(8, 11), stage: 2 },
      // Open at the watermark (day 5): its 2-day rule is pending until day 6 10:00.
      // A channel with quotes, a slash, a tab and non-ASCII: the stored digest must match the rebuilt one (idempotence below).
      { key: 'k2', ts: at(4), stage: 1, channel: ODD },
      { key: 'k2', ts: at(4, 12), stage: 0, exclusion: 2 },
      // On a day not refreshed.
      { key: 'k3', ts: at(20), stage: 1 },
    ]);
    const refresh = (days: number[], watermarkMs = at(5)) => refreshJourneys(store, { pipeline, days, watermarkMs });

    expect(await refresh([dayOf(0), dayOf(4), dayOf(8)])).toEqual([dayOf(0), dayOf(4), dayOf(8)]);
    expect(await live(store)).toEqual([
      { key: 'k1', journey_id: journeyIdOf('k1', at(0)), start_ms: at(0), event_count: 1, is_open: 1, converted: 0, entry_channel: 'Email', outcome_reached: 'abandoned' },
      { key: 'k1', journey_id: journeyIdOf('k1', at(8)), start_ms: at(8), event_count: 2, is_open: 1, converted: 1, entry_channel: 'Paid', outcome_reached: 'completed' },
      { key: 'k2', journey_id: journeyIdOf('k2', at(4)), start_ms: at(4), event_count: 2, is_open: 1, converted: 0, entry_channel: ODD, outcome_reached: 'pending' },
    ]);

    // Idempotent: the same refresh again writes nothing and returns no day.
    const before = await everything(store);
    const rowsBefore = await rowCount(store);
    expect(await refresh([dayOf(0), dayOf(4), dayOf(8)])).toEqual([]);
    expect(await everything(store)).toBe(before);
    expect(await rowCount(store)).toBe(rowsBefore);

    // A late A on day −1 moves the first journey's start: day 0's id is retired, day 8's is untouched.
    await insertEvents(store, [{ key: 'k1', ts: at(-1), stage: 1, channel: 'Social' }]);
    expect(await refresh([dayOf(-1)])).toEqual([dayOf(-1), dayOf(0)]);
    const moved = await live(store);
    expect(moved.filter((r) => r.key === 'k1').map((r) => [r.journey_id, r.event_count, r.entry_channel])).toEqual([
      [journeyIdOf('k1', at(-1)), 2, 'Social'],
      [journeyIdOf('k1', at(8)), 2, 'Paid'],
    ]);
    // FINAL leaves deleted rows out: the latest version is the tombstone.
    const retired = await store.query<{ is_deleted: number }>(`SELECT is_deleted FROM journeys WHERE journey_id = {id:String} ORDER BY version DESC LIMIT 1`, {
      id: journeyIdOf('k1', at(0)),
    });
    expect(retired).toEqual([{ is_deleted: 1 }]);

    // A late A on day −8: its window ends exactly at day −1's A (included), so day 0's A starts a journey again, under its old id.
    await insertEvents(store, [{ key: 'k1', ts: at(-8), stage: 1 }]);
    // The start days of the journeys written (day −8's, day 0's again) and retired (day −1's): every rollup counts a journey there.
    expect(await refresh([dayOf(-8)])).toEqual([dayOf(-8), dayOf(-1), dayOf(0)]);
    expect((await live(store)).filter((r) => r.key === 'k1').map((r) => [r.start_ms, r.event_count])).toEqual([
      [at(-8), 2],
      [at(0), 1],
      [at(8), 2],
    ]);

    // The watermark passes k2's window: ended, its rule abandoned; only its day comes back.
    // k1's journeys of days 0 and 8 were built open (watermark day 5) and are past their window too: with no new
    // event of theirs, the refresh of another day closes them, and their days come back.
    expect((await live(store)).filter((r) => r.is_open === 1).map((r) => r.start_ms)).toEqual([at(0), at(8), at(4)]);
    expect(await refresh([dayOf(4)], at(30))).toEqual([dayOf(0), dayOf(4), dayOf(8)]);
    expect((await live(store)).filter((r) => r.is_open === 1)).toEqual([]);
    expect((await live(store)).find((r) => r.key === 'k2')).toMatchObject({ is_open: 0, outcome_reached: 'abandoned' });
    expect(await refresh([dayOf(4)], at(30))).toEqual([]);

    // k2's events taken back: its stored journey starting on day 4 finds the key, and is retired.
    await store.command(`DELETE FROM events WHERE pipeline = 'jr' AND key = 'k2'`);
    expect(await refresh([dayOf(4)], at(30))).toEqual([dayOf(4)]);
    expect((await live(store)).map((r) => r.key)).toEqual(['k1', 'k1', 'k1']);
    // k3 was never on a refreshed day.
    expect(await refresh([], at(30))).toEqual([]);
  });

  it('pages through more keys than one round holds', async () => {
    // 5,000 keys a round: 5,003 keys make a second round of 3, read while the first is written.
    await store.command(
      `INSERT INTO events (pipeline, stream, key, ts, event_id, received_at, stage_index, stage, exclusion_index)
       SELECT 'jr', 'files', concat('p', leftPad(toString(number), 5, '0')), fromUnixTimestamp64Milli({ts:Int64}, 'UTC'), concat('p', toString(number)),
              fromUnixTimestamp64Milli({ts:Int64}, 'UTC'), 1, 'a', 0
         FROM numbers(5003)`,
      { ts: at(40) },
    );
    expect(await refreshJourneys(store, { pipeline, days: [dayOf(40) + 5 * H], watermarkMs: at(41) })).toEqual([dayOf(40)]);
    const counted = await store.query<{ n: string; k: string }>(
      `SELECT count() AS n, uniqExact(key) AS k FROM journeys FINAL WHERE pipeline = 'jr' AND is_deleted = 0 AND start >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
      { from: dayOf(40) },
    );
    expect(counted.map((r) => [Number(r.n), Number(r.k)])).toEqual([[5003, 5003]]);
    expect(await refreshJourneys(store, { pipeline, days: [dayOf(40)], watermarkMs: at(41) })).toEqual([]);
  });

  it('reads a key from its latest journey before the change, not its whole history', async () => {
    // The earlier tests' journeys still open at day 41 close at day 121 with no day given (their window passed).
    expect(await refreshJourneys(store, { pipeline, days: [], watermarkMs: at(121) })).toEqual([dayOf(40)]);
    await insertEvents(store, [
      { key: 'h1', ts: at(100), stage: 1 },
      { key: 'h1', ts: at(120), stage: 1 },
    ]);
    expect(await refreshJourneys(store, { pipeline, days: [dayOf(100), dayOf(120)], watermarkMs: at(121) })).toEqual([dayOf(100), dayOf(120)]);
    // A new B on day 122 joins the journey of day 120: the key is read from day 120 on, day 100's journey stays as stored.
    await insertEvents(store, [{ key: 'h1', ts: at(122), stage: 2 }]);
    const anchors: unknown[] = [];
    const watching: Store = new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'queryText') {
          return (sql: string, params?: Record<string, unknown>) => {
            if (params && 'anchor_ms' in params) anchors.push(params['anchor_ms']);
            return target.queryText(sql, params as never);
          };
        }
        const value = Reflect.get(target, name, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    expect(await refreshJourneys(watching, { pipeline, days: [dayOf(122)], watermarkMs: at(123) })).toEqual([dayOf(120)]);
    expect(anchors).toEqual([String(at(120))]);
    expect((await live(store)).filter((r) => r.key === 'h1').map((r) => [r.start_ms, r.event_count, r.converted])).toEqual([
      [at(100), 1, 0],
      [at(120), 2, 1],
    ]);
  });
});
