-- The funnel of one level (session or journey) and mode from the funnel_hourly
-- rollup: per stage (and optionally per value of one breakdown dimension)
-- entered/skipped/advanced counts and exact time-to-next quantiles merged
-- from the hourly states; time in stage and bounces (docs/semantics.md, "The
-- journey map"). With only_segment = 1, the journeys of that segment only.
SELECT
    multiIf({by:String} = 'channel', channel,
            {by:String} = 'device', device,
            {by:String} = 'browser', browser,
            {by:String} = 'country', country,
            {by:String} = 'segment', segment,
            '') AS value,
    stage_index,
    sum(entered) AS entered,
    sum(skipped) AS skipped,
    sum(advanced) AS advanced,
    quantilesExactInclusiveMerge(0.5, 0.9)(time_to_next) AS time_to_next_ms,
    quantilesExactInclusiveMerge(0.5, 0.9)(time_in_stage) AS time_in_stage_ms,
    sum(bounced) AS bounced
FROM funnel_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY value, stage_index
ORDER BY value, stage_index
