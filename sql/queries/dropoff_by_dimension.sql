-- Drop-off by stage per value of one dimension (channel, device, browser, country, segment).
-- From funnel_hourly, in one level and mode; the dimensions are those of the
-- journey's first event (a session) or first staged event (a person's journey);
-- channel = the entry channel. dropped = entered − skipped − advanced, and the
-- drop-off rate is over the journeys with an event of the stage (entered −
-- skipped). Rows are ordered so the worst drop-off of each stage among values
-- with at least min_sessions entering comes first.
-- @param pipeline String | pipeline name
-- @param by String = channel | one of channel, device, browser, country, segment
-- @param level String = session | one of session, person
-- @param mode String = reached | one of reached, ordered, strict, any
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | journeys that started at or after this time (UTC; rounded down to the hour, as every report)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | journeys that started before this time (UTC; rounded down to the hour)
-- @param min_sessions UInt64 = 1 | leave out values with fewer journeys entering the stage
SELECT
    stage_index,
    any(stage) AS stage,
    multiIf({by:String} = 'channel', channel,
            {by:String} = 'device', device,
            {by:String} = 'browser', browser,
            {by:String} = 'country', country,
            {by:String} = 'segment', segment,
            throwIf(1, 'by must be channel, device, browser, country or segment') ? '' : '') AS value,
    sum(entered) AS entered,
    sum(skipped) AS skipped,
    sum(advanced) AS advanced,
    entered - skipped - advanced AS dropped,
    if(entered = skipped, NULL, round(dropped / (entered - skipped), 4)) AS drop_off_rate
FROM funnel_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= toStartOfHour({from:DateTime('UTC')})
  AND hour < toStartOfHour({to:DateTime('UTC')})
GROUP BY stage_index, value
HAVING entered >= {min_sessions:UInt64}
ORDER BY stage_index, drop_off_rate DESC NULLS LAST, entered DESC, value
