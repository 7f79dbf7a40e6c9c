-- Top exit touchpoints: where sessions that did not convert ended, from sessions FINAL.
-- A touchpoint is the page path or event name of the session's last event; open
-- (provisional) sessions have not exited yet and are left out. usual_furthest_stage =
-- the furthest stage (reached mode) most of those sessions got to.
-- @param pipeline String | pipeline name
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions that started at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions that started before this time (UTC)
-- @param limit UInt32 = 20 | how many touchpoints
SELECT
    exit_touchpoint,
    count() AS exits,
    round(exits / sum(exits) OVER (), 4) AS share,
    topK(1)(exit_stage)[1] AS usual_exit_stage,
    topK(1)(furthest_stage)[1] AS usual_furthest_stage
FROM sessions FINAL
WHERE pipeline = {pipeline:String}
  AND start >= {from:DateTime('UTC')} AND start < {to:DateTime('UTC')}
  AND is_deleted = 0
  AND is_open = 0
  AND converted = 0
GROUP BY exit_touchpoint
ORDER BY exits DESC, exit_touchpoint
LIMIT {limit:UInt32}
