-- Rebuilds (pipeline, day) partitions of stage_transitions_hourly into a staging
-- table (a private copy of its staging twin): each session's stage path,
-- framed by (entry) and (exit).
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    toStartOfHour(start) AS hour,
    step.1 AS from_stage,
    step.2 AS to_stage,
    entry_channel AS channel,
    device,
    count() AS sessions
FROM sessions FINAL
ARRAY JOIN arrayZip(arrayPushFront(path_stages, '(entry)'), arrayPushBack(path_stages, '(exit)')) AS step
WHERE pipeline = {pipeline:String}
  AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
  AND is_deleted = 0
GROUP BY pipeline, hour, from_stage, to_stage, channel, device
