-- Bottleneck results carry the funnel they were computed on (level, mode) and
-- the skipped journeys of each transition (conversion = advanced / (entered −
-- skipped), docs/analysis.md). The table holds derived results only — running
-- `journeys bottlenecks` again recomputes them — so it is recreated rather
-- than altered: level and mode belong in its key, and a sorting key cannot
-- take columns in front of existing ones.
DROP TABLE IF EXISTS bottlenecks;

CREATE TABLE IF NOT EXISTS bottlenecks
(
    pipeline            LowCardinality(String),
    level               LowCardinality(String),
    mode                LowCardinality(String),
    computed_at         DateTime64(3, 'UTC'),
    period_from         DateTime('UTC'),
    period_to           DateTime('UTC'),
    baseline_from       DateTime('UTC'),
    baseline_to         DateTime('UTC'),
    from_stage          LowCardinality(String),
    to_stage            LowCardinality(String),
    stage_index         UInt8,
    rank                UInt16,
    entered             UInt64,
    skipped             UInt64,
    advanced            UInt64,
    conversion          Nullable(Float64),
    baseline_entered    UInt64,
    baseline_skipped    UInt64,
    baseline_advanced   UInt64,
    baseline_conversion Nullable(Float64),
    lost                UInt64,
    lost_vs_baseline    Nullable(Float64),
    relative_change     Nullable(Float64),
    p_value             Nullable(Float64),
    significant         UInt8,
    share_of_dropoff    Float64,
    drivers             String, -- JSON: [{dimension, value, odds_ratio, share_of_loss, entered, skipped, conversion}]
    sentence            String
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(period_from)
ORDER BY (pipeline, level, mode, period_from, period_to, baseline_from, baseline_to, stage_index);
