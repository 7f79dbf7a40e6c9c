-- Rebuilds (pipeline, day) partitions of entry_touchpoint_hourly into a staging table.
-- The counts of funnel_hourly (entered, skipped, advanced per stage k of each
-- mode; excluded journeys left out), per journey-start hour, segment and
-- entry touchpoint: the bottleneck driver funnel_hourly does not hold.
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    level,
    mode,
    toStartOfHour(start) AS hour,
    k AS stage_index,
    segment,
    entry_touchpoint,
    count() AS entered,
    countIf(bitTest(skipped_mask, k - 1)) AS skipped,
    countIf(k < furthest AND NOT bitTest(skipped_mask, k - 1)) AS advanced
FROM
(
    SELECT pipeline, 'session' AS level, start, segment, entry_touchpoint, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
    UNION ALL
    SELECT pipeline, 'person' AS level, start, segment, entry_touchpoint, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded
    FROM journeys FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
)
ARRAY JOIN
    funnel_modes AS mode,
    funnel_levels AS furthest,
    funnel_skipped AS skipped_mask,
    funnel_excluded AS excluded
ARRAY JOIN range(1, furthest + 1) AS k
WHERE excluded = 0
GROUP BY pipeline, level, mode, hour, k, segment, entry_touchpoint
