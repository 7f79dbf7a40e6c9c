-- The funnel of one level and mode overall or per segment, from
-- funnel_segment_hourly: the same figures as funnel_from_rollup.sql (same
-- columns, same sums, the same exact quantiles), read from a grain without
-- channel, device, browser and country, so a month merges a few thousand
-- quantile states per stage instead of millions. by = '' (overall) or
-- 'segment'; with only_segment = 1, the journeys of that segment only.
SELECT
    if({by:String} = 'segment', segment, '') AS value,
    stage_index,
    sum(entered) AS entered,
    sum(skipped) AS skipped,
    sum(advanced) AS advanced,
    quantilesExactInclusiveMerge(0.5, 0.9)(time_to_next) AS time_to_next_ms,
    quantilesExactInclusiveMerge(0.5, 0.9)(time_in_stage) AS time_in_stage_ms,
    sum(bounced) AS bounced
FROM funnel_segment_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY value, stage_index
ORDER BY value, stage_index
