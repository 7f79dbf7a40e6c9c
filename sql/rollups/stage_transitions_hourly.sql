-- Rebuilds (pipeline, day) partitions of stage_transitions_hourly into a staging
-- table (a private copy of its staging twin): the progress moves of sessions
-- (level 'session') and journeys (level 'person'), read off progress_path
-- framed by (entry) and (exit). Progress only grows, so a row makes each move
-- at most once and journeys = how many made it (docs/semantics.md, "Progress
-- moves and touchpoint paths"). skipped = the stages a move passed over (stage
-- index distance − 1 in {stage_names}), 0 for moves from (entry) or to (exit);
-- a row that reached no stage makes the one move (entry) → (exit). Journeys
-- excluded from the reached funnel make no move (as they count in no stage);
-- rows without progress columns (written before migration 006, not yet
-- rebuilt by `journeys migrate`) are left out.
INSERT INTO {staging:Identifier} (pipeline, level, hour, from_stage, to_stage, channel, device, segment, journeys, skipped)
SELECT
    pipeline,
    level,
    toStartOfHour(start) AS hour,
    step.1 AS from_stage,
    step.2 AS to_stage,
    channel,
    device,
    segment,
    count() AS journeys,
    sum(if(from_stage = '(entry)' OR to_stage = '(exit)', 0,
        greatest(0, toInt64(indexOf({stage_names:Array(String)}, to_stage)) - toInt64(indexOf({stage_names:Array(String)}, from_stage)) - 1))) AS skipped
FROM
(
    SELECT pipeline, 'session' AS level, start, entry_channel AS channel, device, segment, progress_path
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
      AND notEmpty(funnel_modes) AND funnel_excluded[indexOf(funnel_modes, 'reached')] = 0
    UNION ALL
    SELECT pipeline, 'person' AS level, start, entry_channel AS channel, device, segment, progress_path
    FROM journeys FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
      AND notEmpty(funnel_modes) AND funnel_excluded[indexOf(funnel_modes, 'reached')] = 0
)
ARRAY JOIN arrayZip(arrayPushFront(progress_path, '(entry)'), arrayPushBack(progress_path, '(exit)')) AS step
GROUP BY pipeline, level, hour, from_stage, to_stage, channel, device, segment
