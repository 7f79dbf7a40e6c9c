-- The funnel per segment (docs/sql.md, "Rollups"): funnel_hourly's figures
-- without its channel, device, browser and country, the grain that the
-- funnel overall, per segment and for one segment read (journeys funnel,
-- the journey map and its personas and comparisons). Counts as in
-- funnel_hourly; the times are the plain arrays of every journey's ms (not
-- quantile states): ClickHouse reads an Array(UInt64) column ~5× faster than
-- as many values inside quantilesExactInclusive states, and
-- quantilesExactInclusiveArray(0.5, 0.9) over them gives the same exact
-- quantiles. Built by src/pipeline/funnel-rollup-sql.ts, with funnel_hourly.
-- Grain: pipeline × level × mode × start hour × stage_index/stage × segment.
-- A day holds a few thousand rows of every level and mode: with the default
-- 8,192-row granules a read of one mode read the arrays of all of them
-- (measured: 145 ms → 50 ms to read one mode's time in stage of a month).
CREATE TABLE IF NOT EXISTS funnel_segment_hourly
(
    pipeline          LowCardinality(String),
    level             LowCardinality(String),
    mode              LowCardinality(String),
    hour              DateTime('UTC'),
    stage_index       UInt8,
    stage             LowCardinality(String),
    segment           LowCardinality(String),
    entered           UInt64,
    skipped           UInt64,
    advanced          UInt64,
    times_to_next_ms  Array(UInt64),
    times_in_stage_ms Array(UInt64),
    bounced           UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, level, mode, hour, stage_index, segment)
SETTINGS index_granularity = 256;

CREATE TABLE IF NOT EXISTS funnel_segment_hourly_staging AS funnel_segment_hourly;

-- A store written before this migration: filled here from its sessions and
-- journeys by the rollup's own expressions (funnel-rollup-sql.ts) over every
-- day at once, stage names from funnel_hourly; only into an empty table, so a
-- migration applied again adds nothing twice.
INSERT INTO funnel_segment_hourly
SELECT pipeline, level, mode, hour, stage_index, stage, segment, entered, skipped, advanced, times_to_next_ms, times_in_stage_ms, bounced
FROM
(
    SELECT
        pipeline,
        level,
        mode,
        toStartOfHour(start) AS hour,
        k AS stage_index,
        segment,
        count() AS entered,
        countIf(bitTest(skipped_mask, k - 1)) AS skipped,
        countIf(k < furthest AND NOT bitTest(skipped_mask, k - 1)) AS advanced,
        groupArrayIf(toUInt64(greatest(step_ms[k], 0)), k < furthest AND step_ms[k] >= 0) AS times_to_next_ms,
        groupArrayIf(toUInt64(greatest(toUnixTimestamp64Milli(if(k < furthest, reached[k + 1], end)) - toUnixTimestamp64Milli(reached[k]), 0)),
                     NOT bitTest(skipped_mask, k - 1)) AS times_in_stage_ms,
        countIf(event_count = 1 AND k = furthest AND NOT bitTest(skipped_mask, k - 1)) AS bounced
    FROM
    (
        SELECT pipeline, 'session' AS level, start, segment,
               end, event_count, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded, funnel_reached, funnel_step_ms
        FROM sessions FINAL
        WHERE is_deleted = 0
        UNION ALL
        SELECT pipeline, 'person' AS level, start, segment,
               end, event_count, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded, funnel_reached, funnel_step_ms
        FROM journeys FINAL
        WHERE is_deleted = 0
    )
    ARRAY JOIN
        funnel_modes AS mode,
        funnel_levels AS furthest,
        funnel_skipped AS skipped_mask,
        funnel_excluded AS excluded,
        funnel_reached AS reached,
        funnel_step_ms AS step_ms
    ARRAY JOIN range(1, furthest + 1) AS k
    WHERE excluded = 0 AND (SELECT count() FROM funnel_segment_hourly) = 0
    GROUP BY pipeline, level, mode, hour, k, segment
) AS counted
LEFT JOIN (SELECT pipeline, stage_index, any(stage) AS stage FROM funnel_hourly GROUP BY pipeline, stage_index) AS named USING (pipeline, stage_index);
