/**
 * The funnel reads of funnel_segment_hourly (docs/sql.md, "Rollups"): the
 * figures of funnel_from_rollup.sql (same columns, same sums, the same exact
 * quantiles) from the grain without channel, device, browser and country.
 * Built here rather than kept as files because the variants differ only in
 * what they leave out, and each leaving-out is the measured saving:
 * - per segment, the overall funnel comes from the same read (GROUPING SETS:
 *   the times are read once for both; on a month of 10M events that was
 *   most of the cost: 0.30 s + 0.24 s → 0.31 s, with quantile states);
 * - without times, no time array is read at all (a comparison's other
 *   period needs only the counts).
 * The times are arrays of every journey's ms (funnel-rollup-sql.ts says why):
 * quantilesExactInclusiveArray over them is quantilesExactInclusiveMerge of
 * funnel_hourly's states, value for value.
 * Rows: value ('' overall), overall (1 for the overall rows), stage_index and
 * the measures; time_to_next_ms / time_in_stage_ms only with times.
 */
export function segmentFunnelSql(options: { perSegment: boolean; times: boolean }): string {
  const times = options.times
    ? `
    quantilesExactInclusiveArray(0.5, 0.9)(times_to_next_ms) AS time_to_next_ms,
    quantilesExactInclusiveArray(0.5, 0.9)(times_in_stage_ms) AS time_in_stage_ms,`
    : '';
  // Standard GROUPING: 1 where segment is aggregated away (the overall rows).
  const [value, overall, groupBy] = options.perSegment
    ? ['if(grouping(segment) = 1, \'\', segment)', 'grouping(segment)', 'GROUPING SETS ((segment, stage_index), (stage_index))']
    : ["''", '1', 'stage_index'];
  return `SELECT
    ${value} AS value,
    toUInt8(${overall}) AS overall,
    stage_index,
    sum(entered) AS entered,
    sum(skipped) AS skipped,
    sum(advanced) AS advanced,${times}
    sum(bounced) AS bounced
FROM funnel_segment_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY ${groupBy}
ORDER BY overall DESC, value, stage_index`;
}
