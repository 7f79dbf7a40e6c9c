/**
 * A person's journeys (docs/semantics.md, "Journeys"), built from the staged
 * and exclusion events of one identity key: pure, so the store part
 * (src/pipeline/journey-refresh.ts) only reads and writes.
 */
import { stableId } from '../core/hash.js';
import { compareStaged, splitJourneys, type StagedPoint } from './funnel-progress.js';
import { emptyProgressColumns, progressColumns, type ProgressColumns, type ProgressContext } from './progress-columns.js';

/** A staged or exclusion event with the breakdown values a journey takes from its first staged event. */
export interface JourneyPoint extends StagedPoint {
  channel: string;
  touchpoint: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  segment: string;
}

/** What journeys are measured against: `rules.windowMs` is the journey window. */
export interface JourneyContext extends ProgressContext {
  pipeline: string;
  /** The version every row of this build carries (see refreshJourneys). */
  version: number;
}

/** A journey as stored: one row of the `journeys` table (times in ms since the epoch). */
export interface JourneyRecord extends ProgressColumns {
  pipeline: string;
  key: string;
  journey_id: string;
  version: number;
  is_deleted: 0 | 1;
  is_open: 0 | 1;
  /** The first staged event. */
  start: number;
  /** The last event of the journey (staged or exclusion). */
  end: number;
  /** Its staged and exclusion events (events without either never reach a journey's progress, so they are not read). */
  event_count: number;
  entry_channel: string;
  entry_touchpoint: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  segment: string;
}

/** journey_id = hash(key, time of the first staged event). */
export function journeyIdOf(key: string, startMs: number): string {
  return stableId('journey', key, String(startMs));
}

/**
 * Every journey of one key from its points (any order; sorted here by
 * compareStaged, stably, so ties keep the order they came in). A journey is
 * ended once the watermark is past start + window: its abandonment outcomes
 * are then final.
 */
export function buildJourneys(key: string, points: readonly JourneyPoint[], ctx: JourneyContext): JourneyRecord[] {
  const sorted = [...points].sort(compareStaged);
  const windowMs = ctx.rules.windowMs;
  return splitJourneys(sorted, windowMs).map(([from, to]) => {
    const journey = sorted.slice(from, to);
    const first = journey[0]!;
    const ended = ctx.watermarkMs > first.timestampMs + windowMs;
    return {
      pipeline: ctx.pipeline,
      key,
      journey_id: journeyIdOf(key, first.timestampMs),
      version: ctx.version,
      is_deleted: 0,
      is_open: ended ? 0 : 1,
      start: first.timestampMs,
      end: journey[journey.length - 1]!.timestampMs,
      event_count: journey.length,
      ...progressColumns(journey, ended, ctx),
      entry_channel: first.channel,
      entry_touchpoint: first.touchpoint,
      device: first.device,
      browser: first.browser,
      os: first.os,
      country: first.country,
      segment: first.segment,
    };
  });
}

/** The row that retires a journey id that no longer exists. */
export function journeyTombstone(where: { pipeline: string; key: string; journeyId: string; startMs: number; version: number }): JourneyRecord {
  return {
    pipeline: where.pipeline,
    key: where.key,
    journey_id: where.journeyId,
    version: where.version,
    is_deleted: 1,
    is_open: 0,
    start: where.startMs,
    end: where.startMs,
    event_count: 0,
    ...emptyProgressColumns(),
    entry_channel: '',
    entry_touchpoint: '',
    device: '',
    browser: '',
    os: '',
    country: '',
    segment: '',
  };
}

/** The columns of `journeys` (sql/migrations/006_journey_model.sql), in table order. */
export const JOURNEY_COLUMNS = [
  'pipeline', 'key', 'journey_id', 'version', 'is_deleted', 'is_open', 'start', 'end', 'event_count', 'funnel_modes',
  'funnel_levels', 'funnel_skipped', 'funnel_excluded', 'funnel_reached', 'funnel_step_ms', 'progress_path', 'furthest_stage',
  'converted', 'abandonment_modes', 'abandonment_rules', 'abandonment_outcomes', 'abandonment_started', 'entry_channel',
  'entry_touchpoint', 'device', 'browser', 'os', 'country', 'segment',
] as const satisfies ReadonlyArray<keyof JourneyRecord>;

/** One journeys row in JOURNEY_COLUMNS order (JSONCompactEachRow, like rows.ts). */
export function journeyRow(r: JourneyRecord): unknown[] {
  return [
    r.pipeline, r.key, r.journey_id, r.version, r.is_deleted, r.is_open, r.start, r.end, r.event_count, r.funnel_modes,
    r.funnel_levels, r.funnel_skipped, r.funnel_excluded, r.funnel_reached, r.funnel_step_ms, r.progress_path, r.furthest_stage,
    r.converted, r.abandonment_modes, r.abandonment_rules, r.abandonment_outcomes, r.abandonment_started, r.entry_channel,
    r.entry_touchpoint, r.device, r.browser, r.os, r.country, r.segment,
  ];
}

/** Index of `version` in a journey row: a stored row and a rebuilt one are the same journey when all else is equal. */
export const JOURNEY_VERSION_COLUMN = JOURNEY_COLUMNS.indexOf('version');
