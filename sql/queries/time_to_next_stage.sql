-- Time from each stage to the next: exact median and p90 by stage, from funnel_hourly.
-- Over the sessions that advanced (reach time of stage k+1 − reach time of stage k),
-- merged from the hourly exact-quantile states: the same figures as one pass over
-- the sessions. Optionally per value of one breakdown dimension.
-- @param pipeline String | pipeline name
-- @param mode String = ordered | ordered or furthest
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions that started at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions that started before this time (UTC)
-- @param by String = none | none, or a dimension: channel, device, browser, country, segment
SELECT value, stage_index, stage, advanced, if(advanced = 0, NULL, round(q[1])) AS median_ms, if(advanced = 0, NULL, round(q[2])) AS p90_ms
FROM
(
    SELECT
        multiIf({by:String} = 'none', '',
                {by:String} = 'channel', channel,
                {by:String} = 'device', device,
                {by:String} = 'browser', browser,
                {by:String} = 'country', country,
                {by:String} = 'segment', segment,
                throwIf(1, 'by must be none, channel, device, browser, country or segment') ? '' : '') AS value,
        stage_index,
        any(stage) AS stage,
        sum(advanced) AS advanced,
        quantilesExactInclusiveMerge(0.5, 0.9)(time_to_next) AS q
    FROM funnel_hourly
    WHERE pipeline = {pipeline:String}
      AND mode = {mode:String}
      AND hour >= {from:DateTime('UTC')}
      AND hour < {to:DateTime('UTC')}
    GROUP BY value, stage_index
)
WHERE advanced > 0
ORDER BY value, stage_index
