-- Per stage k of one funnel mode and level, and per value of every breakdown
-- dimension (plus the overall total as dimension ''), for journeys (sessions
-- at level session) starting in the hours [from, to): entered, skipped and
-- advanced as funnel_hourly counts them (docs/semantics.md, "Stages are
-- milestones"), the entry touchpoint from entry_touchpoint_hourly, which
-- holds the same counts per entry touchpoint. With only_segment = 1, only
-- the journeys of that segment count. Read from the rollups only, so
-- `journeys bottlenecks` and the journey map's opportunities cost the same
-- for a month as for a day.
-- One pass over funnel_hourly with GROUPING SETS: an ARRAY JOIN of the six
-- (dimension, value) pairs made six rows of every rollup row and took 3×
-- as long on a month of 10M events (npm run bench -- queries).
SELECT
    multiIf(grouping(channel) = 0, 'channel', grouping(device) = 0, 'device', grouping(browser) = 0, 'browser',
            grouping(country) = 0, 'country', grouping(segment) = 0, 'segment', '') AS dimension,
    multiIf(grouping(channel) = 0, toString(channel), grouping(device) = 0, toString(device), grouping(browser) = 0, toString(browser),
            grouping(country) = 0, toString(country), grouping(segment) = 0, toString(segment), '') AS value,
    stage_index, sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
FROM funnel_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY GROUPING SETS ((stage_index), (stage_index, channel), (stage_index, device), (stage_index, browser), (stage_index, country), (stage_index, segment))
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
