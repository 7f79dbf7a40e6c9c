-- The funnel per segment (docs/sql.md, "Rollups"): funnel_hourly's figures
-- without its channel, device, browser and country, the grain that the
-- funnel overall, per segment and for one segment read (journeys funnel,
-- the journey map and its personas and comparisons). The figures are
-- funnel_hourly's, summed and merged: merging an exact quantile state gives
-- the same quantiles whatever the grouping, so every number is the same;
-- what changes is the number of states a month's read merges (measured on
-- 10M events: 27M funnel_hourly rows, a few thousand here per mode).
-- Grain: pipeline × level × mode × start hour × stage_index/stage × segment.
CREATE TABLE IF NOT EXISTS funnel_segment_hourly
(
    pipeline      LowCardinality(String),
    level         LowCardinality(String),
    mode          LowCardinality(String),
    hour          DateTime('UTC'),
    stage_index   UInt8,
    stage         LowCardinality(String),
    segment       LowCardinality(String),
    entered       UInt64,
    skipped       UInt64,
    advanced      UInt64,
    time_to_next  AggregateFunction(quantilesExactInclusive(0.5, 0.9), UInt64),
    time_in_stage AggregateFunction(quantilesExactInclusive(0.5, 0.9), UInt64),
    bounced       UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, level, mode, hour, stage_index, segment);

CREATE TABLE IF NOT EXISTS funnel_segment_hourly_staging AS funnel_segment_hourly;

-- A store written before this migration has its funnel in funnel_hourly
-- only: filled from it here, so no figure waits for a rebuild. Only into an
-- empty table, so a migration interrupted after this statement and applied
-- again adds nothing twice.
INSERT INTO funnel_segment_hourly
SELECT pipeline, level, mode, hour, stage_index, stage, segment,
       sum(entered), sum(skipped), sum(advanced),
       quantilesExactInclusiveMergeState(0.5, 0.9)(time_to_next),
       quantilesExactInclusiveMergeState(0.5, 0.9)(time_in_stage),
       sum(bounced)
FROM funnel_hourly
WHERE (SELECT count() FROM funnel_segment_hourly) = 0
GROUP BY pipeline, level, mode, hour, stage_index, stage, segment;
