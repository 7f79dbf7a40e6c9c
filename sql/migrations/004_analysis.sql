-- Analysis results: bottleneck reports and alert state changes. Both are
-- small (a few rows per analysis or incident); single-node plain engines here,
-- the cluster form comes from the migration runner like every other table.

-- Bottlenecks. Grain: one stage transition of one analysis (pipeline × period
-- × baseline period × from → to). Re-running the analysis of the same periods
-- replaces its rows: ReplacingMergeTree keeps the latest computed_at.
-- ORDER BY puts one analysis's transitions together, as `journeys bottlenecks`
-- and the demo read them; PARTITION BY the period's month keeps dropping old
-- analyses cheap. No baseline: baseline_from = baseline_to = 1970-01-01.
CREATE TABLE IF NOT EXISTS bottlenecks
(
    pipeline            LowCardinality(String),
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
    advanced            UInt64,
    conversion          Nullable(Float64),
    baseline_entered    UInt64,
    baseline_advanced   UInt64,
    baseline_conversion Nullable(Float64),
    lost                UInt64,
    lost_vs_baseline    Nullable(Float64),
    relative_change     Nullable(Float64),
    p_value             Nullable(Float64),
    significant         UInt8,
    share_of_dropoff    Float64,
    drivers             String, -- JSON: [{dimension, value, odds_ratio, share_of_loss, entered, conversion}]
    sentence            String
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(period_from)
ORDER BY (pipeline, period_from, period_to, baseline_from, baseline_to, stage_index);

-- Alerts. Grain: one state change (fired, resolved) of one alert; an alert is
-- named by its rule and the bucket where its anomaly began (bucket_start).
-- This table is the alert state: the evaluator resumes after the newest change
-- of each rule and never records (or notifies) a change twice, so replays and
-- repeated evaluations are idempotent. ORDER BY (pipeline, rule, bucket_start,
-- state) is that identity, and a re-inserted row collapses onto it.
-- PARTITION BY month of bucket_start: retention drops whole months.
CREATE TABLE IF NOT EXISTS alerts
(
    pipeline          LowCardinality(String),
    rule              LowCardinality(String),
    bucket_start      DateTime('UTC'),
    state             LowCardinality(String),
    evaluated_bucket  DateTime('UTC'),
    known_at          DateTime64(3, 'UTC'),
    metric            LowCardinality(String),
    value             Float64,
    baseline          Float64,
    baseline_kind     LowCardinality(String),
    baseline_sessions UInt64,
    sessions          UInt64,
    run_start         DateTime('UTC'),
    z_score           Float64,
    message           String,
    recorded_at       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(recorded_at)
PARTITION BY toYYYYMM(bucket_start)
ORDER BY (pipeline, rule, bucket_start, state);
