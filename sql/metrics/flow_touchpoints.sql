-- The journey map's touchpoint flow: the most taken steps of sessions'
-- touchpoint paths from touchpoint_transitions_hourly (sessions that took
-- the step, steps taken); sessions starting in [from, to), optionally one
-- segment.
SELECT from_touchpoint, to_touchpoint, sum(sessions) AS sessions, sum(steps) AS steps
FROM touchpoint_transitions_hourly
WHERE pipeline = {pipeline:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY from_touchpoint, to_touchpoint
ORDER BY sessions DESC, from_touchpoint, to_touchpoint
LIMIT {limit:UInt32}
