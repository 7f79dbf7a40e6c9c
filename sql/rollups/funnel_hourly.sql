-- Rebuilds (pipeline, day) partitions of funnel_hourly into a staging table (a private copy of its staging twin).
-- Sessions (level 'session') and journeys (level 'person') count in the hour
-- they started; each mode's progress is one entry of the funnel_* arrays.
-- Excluded journeys are left out of that mode (docs/semantics.md, "Modes").
-- Per stage k ≤ the mode's level: entered = all; skipped = entered without an
-- event of k; advanced = with an event of k and a level beyond it; times only
-- where both k and k+1 have events (step_ms ≥ 0). Time in stage, over journeys
-- with an event of k: from entering k to entering k+1, or to the journey's end
-- when k is its furthest stage; bounced: single-event journeys of stage k
-- (docs/semantics.md, "The journey map").
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    level,
    mode,
    toStartOfHour(start) AS hour,
    k AS stage_index,
    {stage_names:Array(String)}[k] AS stage,
    channel,
    device,
    browser,
    country,
    segment,
    count() AS entered,
    countIf(bitTest(skipped_mask, k - 1)) AS skipped,
    countIf(k < furthest AND NOT bitTest(skipped_mask, k - 1)) AS advanced,
    quantilesExactInclusiveStateIf(0.5, 0.9)(toUInt64(greatest(step_ms[k], 0)), k < furthest AND step_ms[k] >= 0) AS time_to_next,
    quantilesExactInclusiveStateIf(0.5, 0.9)(
        toUInt64(greatest(toUnixTimestamp64Milli(if(k < furthest, reached[k + 1], end)) - toUnixTimestamp64Milli(reached[k]), 0)),
        NOT bitTest(skipped_mask, k - 1)) AS time_in_stage,
    countIf(event_count = 1 AND k = furthest AND NOT bitTest(skipped_mask, k - 1)) AS bounced
FROM
(
    SELECT pipeline, 'session' AS level, start, entry_channel AS channel, device, browser, country, segment,
           end, event_count, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded, funnel_reached, funnel_step_ms
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
    UNION ALL
    SELECT pipeline, 'person' AS level, start, entry_channel AS channel, device, browser, country, segment,
           end, event_count, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded, funnel_reached, funnel_step_ms
    FROM journeys FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
)
ARRAY JOIN
    funnel_modes AS mode,
    funnel_levels AS furthest,
    funnel_skipped AS skipped_mask,
    funnel_excluded AS excluded,
    funnel_reached AS reached,
    funnel_step_ms AS step_ms
ARRAY JOIN range(1, furthest + 1) AS k
WHERE excluded = 0
GROUP BY pipeline, level, mode, hour, k, channel, device, browser, country, segment
