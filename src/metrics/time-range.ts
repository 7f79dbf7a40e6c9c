import { toClickHouseDateTime } from '../stores/datetime.js';

/** The widest range the stores hold; the default when --from/--to are not given. */
export const ALL_TIME = { fromMs: Date.UTC(1970, 0, 1), toMs: Date.UTC(2200, 0, 1) };

export interface TimeRange {
  fromMs?: number | undefined;
  toMs?: number | undefined;
}

export function rangeParams(range: TimeRange): { from: string; to: string } {
  return {
    from: toClickHouseDateTime(range.fromMs ?? ALL_TIME.fromMs).slice(0, 19),
    to: toClickHouseDateTime(range.toMs ?? ALL_TIME.toMs).slice(0, 19),
  };
}
