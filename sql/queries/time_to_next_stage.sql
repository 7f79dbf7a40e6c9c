-- Time from each stage to the next: exact median and p90 by stage, from funnel_hourly.
-- Over the journeys that advanced with events of both stages (a skipped stage is
-- never timed; docs/semantics.md, "Modes" says from which event each mode times),
-- merged from the hourly exact-quantile states: the same figures as one pass over
-- the journeys. Optionally per value of one breakdown dimension. median_ms is NULL
-- where journeys advanced but none was timed (the next stage was skipped).
-- @param pipeline String | pipeline name
-- @param level String = session | one of session, person
-- @param mode String = reached | one of reached, ordered, strict, any
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | journeys that started at or after this time (UTC; rounded down to the hour, as every report)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | journeys that started before this time (UTC; rounded down to the hour)
-- @param by String = none | one of none, channel, device, browser, country, segment
SELECT value, stage_index, stage, advanced, if(isFinite(q[1]), round(q[1]), NULL) AS median_ms, if(isFinite(q[2]), round(q[2]), NULL) AS p90_ms
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
      AND level = {level:String}
      AND mode = {mode:String}
      AND hour >= toStartOfHour({from:DateTime('UTC')})
      AND hour < toStartOfHour({to:DateTime('UTC')})
    GROUP BY value, stage_index
)
WHERE advanced > 0
ORDER BY value, stage_index
