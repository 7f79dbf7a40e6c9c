-- The funnel of one level (session or journey) and mode from the funnel_hourly
-- rollup: per stage (and optionally per value of one breakdown dimension)
-- entered/skipped/advanced counts and exact time-to-next quantiles merged
-- from the hourly states.
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
    quantilesExactInclusiveMerge(0.5, 0.9)(time_to_next) AS time_to_next_ms
FROM funnel_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
GROUP BY value, stage_index
ORDER BY value, stage_index
