-- Stage transitions: the Sankey source, from stage_transitions_hourly.
-- Each row is a step of the sessions' stage paths (consecutive distinct stages),
-- framed by (entry) and (exit); share = this step's share of all steps leaving from_stage.
-- @param pipeline String | pipeline name
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions that started at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions that started before this time (UTC)
-- @param min_sessions UInt64 = 1 | leave out steps taken by fewer sessions
SELECT
    from_stage,
    to_stage,
    sum(sessions) AS sessions,
    round(sessions / sum(sessions) OVER (PARTITION BY from_stage), 4) AS share
FROM stage_transitions_hourly
WHERE pipeline = {pipeline:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
GROUP BY from_stage, to_stage
QUALIFY sessions >= {min_sessions:UInt64}
ORDER BY from_stage = '(entry)' DESC, from_stage, sessions DESC, to_stage
