-- Touchpoint paths: the most taken steps between touchpoints (page paths, event names), from touchpoint_transitions_hourly.
-- Sessions' touchpoints in order, ids in paths replaced (/products/:id), repeats collapsed,
-- framed by (entry) and (exit). sessions = sessions that took the step, steps = how often
-- it was taken; share = sessions that took it / all sessions; share_of_from = its share
-- of the steps leaving from_touchpoint.
-- @param pipeline String | pipeline name
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions that started at or after this time (UTC; rounded down to the hour, as every report)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions that started before this time (UTC; rounded down to the hour)
-- @param min_sessions UInt64 = 1 | leave out steps taken by fewer sessions
-- @param limit UInt32 = 50 | how many steps
SELECT
    from_touchpoint,
    to_touchpoint,
    took AS sessions,
    taken AS steps,
    -- Every session takes exactly one step from (entry).
    round(took / sumIf(took, from_touchpoint = '(entry)') OVER (), 4) AS share,
    round(taken / sum(taken) OVER (PARTITION BY from_touchpoint), 4) AS share_of_from
FROM
(
    SELECT
        from_touchpoint,
        to_touchpoint,
        sum(sessions) AS took,
        sum(steps) AS taken
    FROM touchpoint_transitions_hourly
    WHERE pipeline = {pipeline:String}
      AND hour >= toStartOfHour({from:DateTime('UTC')})
      AND hour < toStartOfHour({to:DateTime('UTC')})
    GROUP BY from_touchpoint, to_touchpoint
)
QUALIFY sessions >= {min_sessions:UInt64}
ORDER BY sessions DESC, steps DESC, from_touchpoint, to_touchpoint
LIMIT {limit:UInt32}
