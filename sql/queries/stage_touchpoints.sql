-- The touchpoints and channels of each stage (the journey map's rows), from
-- stage_activity_hourly: every event of the journeys that started in the
-- period, in the stage it belongs to (docs/semantics.md, "The journey map":
-- a survey's named stage, else the stage the journey had reached at the
-- event). breakdown 'touchpoint' = by cleaned touchpoint, 'channel' = by the
-- event's channel (online = 0 for CRM events). events = events; journeys =
-- journeys with at least one; share = of the stage's events; exits = journeys
-- whose last event this was (touchpoint rows).
-- @param pipeline String | pipeline name
-- @param level String = session | one of session, person
-- @param mode String = reached | one of reached, ordered, strict, any
-- @param breakdown String = touchpoint | touchpoint or channel
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | journeys that started at or after this time (UTC; rounded down to the hour)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | journeys that started before this time (UTC; rounded down to the hour)
-- @param limit UInt32 = 10 | rows per stage
SELECT
    stage_index,
    touchpoint,
    channel,
    online,
    sum(events) AS events,
    sum(journeys) AS journeys,
    round(events / sum(events) OVER (PARTITION BY stage_index), 4) AS share,
    sum(exits) AS exits
FROM stage_activity_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND breakdown = {breakdown:String}
  AND hour >= toStartOfHour({from:DateTime('UTC')})
  AND hour < toStartOfHour({to:DateTime('UTC')})
  AND stage_index > 0
GROUP BY stage_index, touchpoint, channel, online
ORDER BY stage_index, events DESC, touchpoint, channel
LIMIT {limit:UInt32} BY stage_index
