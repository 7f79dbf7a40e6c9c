-- Rollups: derived from `sessions FINAL`, rebuilt one (pipeline, day)
-- partition at a time and swapped in with REPLACE PARTITION, so recomputing is
-- always safe and never double-counts. Each has a _staging twin used for the swap.

-- Funnel. Grain: pipeline × mode × session-start hour × stage × dimensions.
-- entered = sessions whose level ≥ stage; advanced = level > stage;
-- time_to_next holds exact quantile states of the ms from this stage to the next.
CREATE TABLE IF NOT EXISTS funnel_hourly
(
    pipeline     LowCardinality(String),
    mode         LowCardinality(String),
    hour         DateTime('UTC'),
    stage_index  UInt8,
    stage        LowCardinality(String),
    channel      LowCardinality(String),
    device       LowCardinality(String),
    browser      LowCardinality(String),
    country      LowCardinality(String),
    segment      LowCardinality(String),
    entered      UInt64,
    advanced     UInt64,
    time_to_next AggregateFunction(quantilesExactInclusive(0.5, 0.9), UInt64)
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, mode, hour, stage_index, channel, device, browser, country, segment);

CREATE TABLE IF NOT EXISTS funnel_hourly_staging AS funnel_hourly;

-- Abandonment. Grain: pipeline × rule × 5-minute bucket of the first `from`
-- event × dimensions. started counts sessions whose outcome is known.
CREATE TABLE IF NOT EXISTS abandonment_5m
(
    pipeline  LowCardinality(String),
    rule      LowCardinality(String),
    bucket    DateTime('UTC'),
    channel   LowCardinality(String),
    device    LowCardinality(String),
    browser   LowCardinality(String),
    country   LowCardinality(String),
    segment   LowCardinality(String),
    started   UInt64,
    abandoned UInt64,
    pending   UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(bucket))
ORDER BY (pipeline, rule, bucket, channel, device, browser, country, segment);

CREATE TABLE IF NOT EXISTS abandonment_5m_staging AS abandonment_5m;

-- Stage transitions (Sankey). Grain: pipeline × session-start hour × from → to
-- × channel × device; (entry) and (exit) mark where sessions begin and end.
CREATE TABLE IF NOT EXISTS stage_transitions_hourly
(
    pipeline   LowCardinality(String),
    hour       DateTime('UTC'),
    from_stage LowCardinality(String),
    to_stage   LowCardinality(String),
    channel    LowCardinality(String),
    device     LowCardinality(String),
    sessions   UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, hour, from_stage, to_stage, channel, device);

CREATE TABLE IF NOT EXISTS stage_transitions_hourly_staging AS stage_transitions_hourly;
