/**
 * The rebuilds of the two funnel rollups (docs/sql.md, "Rollups"), written
 * once: funnel_hourly (every breakdown dimension, times as exact quantile
 * states) and funnel_segment_hourly (segment only, times as the plain arrays
 * of every journey's ms). Both read the same journeys and count them with the
 * same expressions; only the grain and the form of the times differ.
 *
 * Why arrays in funnel_segment_hourly: a month's funnel merges every
 * journey's times, and ClickHouse reads an Array(UInt64) column ~5× faster
 * than the same values inside quantilesExactInclusive states (measured on a
 * month of 10M events: 140 ms of CPU per mode to deserialise the
 * time-in-stage states, 26 ms for arrays of as many values);
 * quantilesExactInclusiveArray over them gives the same exact quantiles.
 *
 * Sessions (level 'session') and journeys (level 'person') count in the hour
 * they started; each mode's progress is one entry of the funnel_* arrays.
 * Excluded journeys are left out of that mode (docs/semantics.md, "Modes").
 * Per stage k ≤ the mode's level: entered = all; skipped = entered without an
 * event of k; advanced = with an event of k and a level beyond it; times to
 * next only where both k and k+1 have events (step_ms ≥ 0). Time in stage,
 * over journeys with an event of k: from entering k to entering k+1, or to
 * the journey's end when k is its furthest stage; bounced: single-event
 * journeys of stage k (docs/semantics.md, "The journey map").
 *
 * Parameters: staging, pipeline, stage_names, day_start, day_end.
 */
export type FunnelRollup = 'funnel_hourly' | 'funnel_segment_hourly';

const TIME_TO_NEXT = 'toUInt64(greatest(step_ms[k], 0))';
const TIMED_TO_NEXT = 'k < furthest AND step_ms[k] >= 0';
const TIME_IN_STAGE = "toUInt64(greatest(toUnixTimestamp64Milli(if(k < furthest, reached[k + 1], end)) - toUnixTimestamp64Milli(reached[k]), 0))";
const TIMED_IN_STAGE = 'NOT bitTest(skipped_mask, k - 1)';

const GRAIN: Record<FunnelRollup, { columns: string; from: string; times: (value: string, when: string) => string }> = {
  funnel_hourly: {
    columns: 'channel, device, browser, country, segment',
    from: 'entry_channel AS channel, device, browser, country, segment',
    times: (value, when) => `quantilesExactInclusiveStateIf(0.5, 0.9)(${value}, ${when})`,
  },
  funnel_segment_hourly: {
    columns: 'segment',
    from: 'segment',
    times: (value, when) => `groupArrayIf(${value}, ${when})`,
  },
};

function journeysOf(level: 'session' | 'person', table: 'sessions' | 'journeys', from: string): string {
  return `SELECT pipeline, '${level}' AS level, start, ${from},
           end, event_count, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded, funnel_reached, funnel_step_ms
    FROM ${table} FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0`;
}

export function funnelRollupSql(rollup: FunnelRollup): string {
  const grain = GRAIN[rollup];
  return `INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    level,
    mode,
    toStartOfHour(start) AS hour,
    k AS stage_index,
    {stage_names:Array(String)}[k] AS stage,
    ${grain.columns},
    count() AS entered,
    countIf(bitTest(skipped_mask, k - 1)) AS skipped,
    countIf(k < furthest AND NOT bitTest(skipped_mask, k - 1)) AS advanced,
    ${grain.times(TIME_TO_NEXT, TIMED_TO_NEXT)} AS ${rollup === 'funnel_hourly' ? 'time_to_next' : 'times_to_next_ms'},
    ${grain.times(TIME_IN_STAGE, TIMED_IN_STAGE)} AS ${rollup === 'funnel_hourly' ? 'time_in_stage' : 'times_in_stage_ms'},
    countIf(event_count = 1 AND k = furthest AND NOT bitTest(skipped_mask, k - 1)) AS bounced
FROM
(
    ${journeysOf('session', 'sessions', grain.from)}
    UNION ALL
    ${journeysOf('person', 'journeys', grain.from)}
)
ARRAY JOIN
    funnel_modes AS mode,
    funnel_levels AS furthest,
    funnel_skipped AS skipped_mask,
    funnel_excluded AS excluded,
    funnel_reached AS reached,
    funnel_step_ms AS step_ms
ARRAY JOIN range(1, furthest + 1) AS k
WHERE excluded = 0
GROUP BY pipeline, level, mode, hour, k, ${grain.columns}`;
}
