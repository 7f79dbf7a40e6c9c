-- Rebuilds (pipeline, day) partitions of touchpoint_transitions_hourly into a
-- staging table (a private copy of its staging twin): the steps of sessions'
-- touchpoint paths (ids in paths already replaced, repeats collapsed), framed
-- by (entry) and (exit). A session can take a step more than once (a, b, a,
-- b: a → b twice): sessions = sessions that took it, steps = how often it was
-- taken. The stage names parameter is not used here.
INSERT INTO {staging:Identifier} (pipeline, hour, from_touchpoint, to_touchpoint, channel, device, segment, sessions, steps)
SELECT
    pipeline,
    toStartOfHour(start) AS hour,
    step.1 AS from_touchpoint,
    step.2 AS to_touchpoint,
    channel,
    device,
    segment,
    count() AS sessions,
    sum(times) AS steps
FROM
(
    SELECT
        pipeline,
        start,
        entry_channel AS channel,
        device,
        segment,
        arrayZip(arrayPushFront(touchpoint_path, '(entry)'), arrayPushBack(touchpoint_path, '(exit)')) AS all_steps,
        arrayDistinct(all_steps) AS distinct_steps
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
      -- Rows written before migration 006 have no touchpoint path yet: left out until `journeys migrate` rebuilds them.
      AND notEmpty(funnel_modes)
)
-- One row per distinct step of a session, with how often the session took it (paths hold at most 100 touchpoints).
ARRAY JOIN distinct_steps AS step, arrayMap(s -> countEqual(all_steps, s), distinct_steps) AS times
GROUP BY pipeline, hour, from_touchpoint, to_touchpoint, channel, device, segment
