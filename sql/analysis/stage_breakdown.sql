-- Per stage k of one funnel mode and level, and per value of every breakdown
-- dimension (plus the overall total as dimension ''), for journeys (sessions
-- at level session) starting in the hours [from, to): entered, skipped and
-- advanced as funnel_hourly counts them (docs/semantics.md, "Stages are
-- milestones"), the entry touchpoint from entry_touchpoint_hourly, which
-- holds the same counts per entry touchpoint. With only_segment = 1, only
-- the journeys of that segment count. Read from the rollups only, so
-- `journeys bottlenecks` and the journey map's opportunities cost the same
-- for a month as for a day.
SELECT d.1 AS dimension, d.2 AS value, stage_index, sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
FROM funnel_hourly
ARRAY JOIN [
    ('', ''),
    ('channel', toString(channel)),
    ('device', toString(device)),
    ('browser', toString(browser)),
    ('country', toString(country)),
    ('segment', toString(segment))
] AS d
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY dimension, value, stage_index
UNION ALL
SELECT 'entry_touchpoint' AS dimension, entry_touchpoint AS value, stage_index, sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
FROM entry_touchpoint_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY dimension, value, stage_index
ORDER BY dimension, value, stage_index
