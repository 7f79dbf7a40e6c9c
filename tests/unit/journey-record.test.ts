import { describe, expect, it } from 'vitest';
import {
  buildJourneys,
  journeyIdOf,
  journeyRow,
  journeyTombstone,
  JOURNEY_COLUMNS,
  type JourneyContext,
  type JourneyPoint,
  type JourneyRecord,
} from '../../src/sessions/journey-record.js';
import { plainRules } from '../../src/sessions/funnel-progress.js';

const H = 3_600_000;
const DAY = 24 * H;
const WINDOW = 7 * DAY;
const STAGES = ['A', 'B', 'C'];

const ctx = (watermarkMs: number): JourneyContext => ({
  pipeline: 'p',
  stageNames: STAGES,
  conversionStageIndex: 2,
  abandonment: [{ name: 'a_to_b', fromIndex: 1, toIndex: 2, withinMs: 2 * DAY }],
  rules: plainRules(3, WINDOW),
  watermarkMs,
  version: 42,
});

const point = (timestampMs: number, stageIndex: number, extra: Partial<JourneyPoint> = {}): JourneyPoint => ({
  timestampMs,
  stageIndex,
  exclusionIndex: 0,
  channel: `ch${timestampMs}`,
  touchpoint: `t${timestampMs}`,
  device: 'mobile',
  browser: 'Safari',
  os: 'iOS',
  country: 'FR',
  segment: 'vip',
  ...extra,
});
const exclusion = (timestampMs: number, excludes: number) => point(timestampMs, 0, { exclusionIndex: excludes });
const spans = (journeys: JourneyRecord[]) => journeys.map((j) => [j.start, j.end, j.event_count]);

describe('journey records', () => {
  it('worked example: A day 0, A day 8, B day 8 + 1 h are journeys [A] and [A, B]', () => {
    const journeys = buildJourneys('k', [point(8 * DAY + H, 2), point(0, 1), point(8 * DAY, 1)], ctx(20 * DAY));
    expect(spans(journeys)).toEqual([
      [0, 0, 1],
      [8 * DAY, 8 * DAY + H, 2],
    ]);
    const [first, second] = journeys as [JourneyRecord, JourneyRecord];
    expect(first).toMatchObject({
      journey_id: journeyIdOf('k', 0),
      is_open: 0,
      is_deleted: 0,
      version: 42,
      furthest_stage: 'A',
      converted: 0,
      progress_path: ['A'],
      funnel_modes: ['reached', 'ordered', 'strict', 'any'],
      funnel_levels: [1, 1, 1, 1],
      funnel_step_ms: [[], [], [], []],
      // Ended without B: abandoned in every mode but `any`, which counts no rule.
      abandonment_outcomes: ['abandoned', 'abandoned', 'abandoned', 'not_started'],
      abandonment_started: [0, 0, 0, 0],
    });
    expect(second).toMatchObject({
      journey_id: journeyIdOf('k', 8 * DAY),
      is_open: 0,
      furthest_stage: 'B',
      converted: 1,
      progress_path: ['A', 'B'],
      funnel_levels: [2, 2, 2, 2],
      funnel_reached: [[8 * DAY, 8 * DAY + H], [8 * DAY, 8 * DAY + H], [8 * DAY, 8 * DAY + H], [8 * DAY, 8 * DAY + H]],
      funnel_step_ms: [[H], [H], [H], [H]],
      abandonment_outcomes: ['completed', 'completed', 'completed', 'not_started'],
      // Breakdown values of the first staged event.
      entry_channel: `ch${8 * DAY}`,
      entry_touchpoint: `t${8 * DAY}`,
    });
    expect(first.journey_id).not.toBe(second.journey_id);
  });

  it('events without a stage never start a journey', () => {
    // An exclusion before any staged event belongs to no journey; one after the window starts none.
    const journeys = buildJourneys('k', [exclusion(0, 2), point(DAY, 1, { channel: 'Email' }), exclusion(DAY + WINDOW + 1, 2)], ctx(30 * DAY));
    expect(spans(journeys)).toEqual([[DAY, DAY, 1]]);
    expect(journeys[0]).toMatchObject({ entry_channel: 'Email', funnel_excluded: [0, 0, 0, 0] });
    expect(buildJourneys('k', [exclusion(0, 2), exclusion(DAY, 3)], ctx(30 * DAY))).toEqual([]);
  });

  it('an exclusion between A and B leaves the journey out of every mode but any', () => {
    const [journey] = buildJourneys('k', [point(0, 1), exclusion(H, 2), point(2 * H, 2)], ctx(30 * DAY));
    expect(journey).toMatchObject({
      event_count: 3,
      end: 2 * H,
      funnel_levels: [2, 2, 2, 2],
      funnel_excluded: [1, 1, 1, 0],
      converted: 0,
      abandonment_outcomes: ['not_started', 'not_started', 'not_started', 'not_started'],
    });
  });

  it('a journey is open until the watermark passes its window; a rule is pending until its deadline', () => {
    const points = [point(0, 1)];
    const at = (watermarkMs: number) => buildJourneys('k', points, ctx(watermarkMs))[0]!;
    expect(at(DAY)).toMatchObject({ is_open: 1, abandonment_outcomes: ['pending', 'pending', 'pending', 'not_started'] });
    // Past the rule's 2-day deadline, still inside the window.
    expect(at(3 * DAY)).toMatchObject({ is_open: 1, abandonment_outcomes: ['abandoned', 'abandoned', 'abandoned', 'not_started'] });
    expect(at(WINDOW).is_open).toBe(1);
    expect(at(WINDOW + 1).is_open).toBe(0);
  });

  it('an event at start + window belongs to the journey; 1 ms later it starts the next', () => {
    const edge = buildJourneys('k', [point(0, 1), point(WINDOW, 2)], ctx(30 * DAY));
    expect(spans(edge)).toEqual([[0, WINDOW, 2]]);
    expect(edge[0]).toMatchObject({ converted: 1, funnel_step_ms: [[WINDOW], [WINDOW], [WINDOW], [WINDOW]] });
    const after = buildJourneys('k', [point(0, 1), point(WINDOW + 1, 2)], ctx(30 * DAY));
    expect(spans(after)).toEqual([
      [0, 0, 1],
      [WINDOW + 1, WINDOW + 1, 1],
    ]);
    // B alone: reached enters A by skipping it; ordered and strict need A first.
    expect(after[1]).toMatchObject({ journey_id: journeyIdOf('k', WINDOW + 1), funnel_levels: [2, 0, 0, 1], converted: 1, funnel_skipped: [1, 0, 0, 0] });
  });

  it('same-time events count in stage order: the journey starts with the lower stage', () => {
    const [journey] = buildJourneys('k', [point(5, 2, { channel: 'Paid' }), point(5, 1, { channel: 'Email' })], ctx(30 * DAY));
    expect(journey).toMatchObject({ start: 5, entry_channel: 'Email', progress_path: ['A', 'B'], funnel_levels: [2, 2, 2, 2] });
  });

  it('rows hold every field in JOURNEY_COLUMNS order; a tombstone keeps only id and start', () => {
    const [journey] = buildJourneys('k', [point(0, 1), point(H, 2)], ctx(30 * DAY));
    expect(journeyRow(journey!)).toEqual(JOURNEY_COLUMNS.map((column) => journey![column]));
    const tombstone = journeyTombstone({ pipeline: 'p', key: 'k', journeyId: 'gone', startMs: 3 * DAY, version: 43 });
    expect(tombstone).toMatchObject({ journey_id: 'gone', is_deleted: 1, version: 43, start: 3 * DAY, end: 3 * DAY, event_count: 0, funnel_levels: [] });
    expect(journeyRow(tombstone)).toHaveLength(JOURNEY_COLUMNS.length);
  });
});
