import { toClickHouseDateTime } from '../stores/datetime.js';

/** The widest range the stores hold; the default when --from/--to are not given. */
export const ALL_TIME = { fromMs: Date.UTC(1970, 0, 1), toMs: Date.UTC(2200, 0, 1) };

export interface TimeRange {
  fromMs?: number | undefined;
  toMs?: number | undefined;
}

const HOUR_MS = 3_600_000;

/**
 * Journeys count in the hour they started (the rollups' grain), so every
 * report rounds --from and --to down to the hour, the same way: a range
 * means the same journeys in the funnel, abandonment and bottlenecks.
 */
export function hourFloor(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** The query parameters of an optional segment filter (`only_segment`, `segment`): '' is a segment too (journeys without one). */
export function segmentParams(segment: string | undefined): { only_segment: 0 | 1; segment: string } {
  return { only_segment: segment === undefined ? 0 : 1, segment: segment ?? '' };
}

export function rangeParams(range: TimeRange): { from: string; to: string } {
  return {
    from: toClickHouseDateTime(hourFloor(range.fromMs ?? ALL_TIME.fromMs)).slice(0, 19),
    to: toClickHouseDateTime(hourFloor(range.toMs ?? ALL_TIME.toMs)).slice(0, 19),
  };
}
