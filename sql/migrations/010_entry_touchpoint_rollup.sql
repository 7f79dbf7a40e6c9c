-- Bottleneck drivers from the rollups (docs/analysis.md): funnel_hourly holds
-- every breakdown dimension but the entry touchpoint, which would multiply
-- its rows; this rollup holds the funnel's counts per entry touchpoint.
-- Grain: pipeline × level × mode × start hour × stage_index × segment ×
-- entry_touchpoint (the cleaned touchpoint of the journey's first event).
-- entered, skipped and advanced are funnel_hourly's, per entry touchpoint.
CREATE TABLE IF NOT EXISTS entry_touchpoint_hourly
(
    pipeline         LowCardinality(String),
    level            LowCardinality(String),
    mode             LowCardinality(String),
    hour             DateTime('UTC'),
    stage_index      UInt8,
    segment          LowCardinality(String),
    entry_touchpoint String,
    entered          UInt64,
    skipped          UInt64,
    advanced         UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, level, mode, hour, stage_index, segment, entry_touchpoint);

CREATE TABLE IF NOT EXISTS entry_touchpoint_hourly_staging AS entry_touchpoint_hourly;
