-- The journey model (docs/semantics.md): every session and journey stores its
-- progress in each funnel mode (reached, ordered, strict, any) and each
-- abandonment rule's outcome read off that progress; rollups gain the level
-- (session or journey) and the mode. A store written before this migration
-- has sessions without these columns filled: `journeys migrate` rebuilds
-- them, the journeys and the rollups from `events`.

-- Events that match a stage's `exclude` rules carry that stage's index.
ALTER TABLE events ADD COLUMN IF NOT EXISTS exclusion_index UInt8 DEFAULT 0 AFTER stage;

ALTER TABLE sessions DROP COLUMN IF EXISTS ordered_level;
ALTER TABLE sessions DROP COLUMN IF EXISTS ordered_reached;
ALTER TABLE sessions DROP COLUMN IF EXISTS furthest_level;
ALTER TABLE sessions DROP COLUMN IF EXISTS furthest_reached;
-- One entry per mode, in the order of funnel_modes: level = furthest stage
-- entered; skipped = bit k-1 set when stage k was entered without an event of
-- it; excluded = an exclusion event lies between two entered stages;
-- reached[k] = when stage k was entered; step_ms[k] = ms from stage k to k+1
-- where both have their own events, -1 otherwise.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS funnel_modes Array(LowCardinality(String)) AFTER path_times;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS funnel_levels Array(UInt8) AFTER funnel_modes;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS funnel_skipped Array(UInt32) AFTER funnel_levels;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS funnel_excluded Array(UInt8) AFTER funnel_skipped;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS funnel_reached Array(Array(DateTime64(3, 'UTC'))) AFTER funnel_excluded;
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS funnel_step_ms Array(Array(Int64)) AFTER funnel_reached;
-- The progress moves (reached mode): each stage that moved the furthest stage on, in order.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS progress_path Array(LowCardinality(String)) AFTER funnel_step_ms;
-- The session's touchpoints in order, ids in paths replaced (docs/semantics.md, "Touchpoint paths").
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS touchpoint_path Array(String) AFTER progress_path;
-- Abandonment outcomes per (mode, rule): abandonment_modes runs parallel to abandonment_rules.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS abandonment_modes Array(LowCardinality(String)) AFTER converted;
-- Rows written before this migration keep one outcome per rule and no mode:
-- emptied, so every reader that ARRAY JOINs the abandonment arrays finds them
-- of one length; `journeys migrate --pipeline` rebuilds these rows.
ALTER TABLE sessions UPDATE abandonment_rules = [], abandonment_outcomes = [], abandonment_started = [] WHERE empty(abandonment_modes) AND notEmpty(abandonment_rules) SETTINGS mutations_sync = 2;

-- Journeys. Grain: one row per journey_id = hash(key, first staged event). A
-- person's journey starts at a staged event and lasts `funnel.journeyWindow`;
-- the next staged event after it starts the next one. Rebuilt from `events`
-- for every key with events on a day whose rollups are rebuilt; a journey id
-- that no longer exists gets a tombstone. Read with FINAL.
CREATE TABLE IF NOT EXISTS journeys
(
    pipeline             LowCardinality(String),
    key                  String,
    journey_id           String,
    version              UInt64,
    is_deleted           UInt8,
    is_open              UInt8,
    start                DateTime64(3, 'UTC'),
    end                  DateTime64(3, 'UTC'),
    event_count          UInt32,
    funnel_modes         Array(LowCardinality(String)),
    funnel_levels        Array(UInt8),
    funnel_skipped       Array(UInt32),
    funnel_excluded      Array(UInt8),
    funnel_reached       Array(Array(DateTime64(3, 'UTC'))),
    funnel_step_ms       Array(Array(Int64)),
    progress_path        Array(LowCardinality(String)),
    furthest_stage       LowCardinality(String),
    converted            UInt8,
    abandonment_modes    Array(LowCardinality(String)),
    abandonment_rules    Array(LowCardinality(String)),
    abandonment_outcomes Array(LowCardinality(String)),
    abandonment_started  Array(DateTime64(3, 'UTC')),
    entry_channel        LowCardinality(String),
    entry_touchpoint     String,
    device               LowCardinality(String),
    browser              LowCardinality(String),
    os                   LowCardinality(String),
    country              LowCardinality(String),
    segment              LowCardinality(String)
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMM(start)
ORDER BY (pipeline, key, journey_id);

-- The rollups gain level and mode: rebuilt from sessions and journeys by
-- `journeys migrate` (they are derived data, so dropping them loses nothing).
DROP TABLE IF EXISTS funnel_hourly;
DROP TABLE IF EXISTS funnel_hourly_staging;
DROP TABLE IF EXISTS abandonment_5m;
DROP TABLE IF EXISTS abandonment_5m_staging;
DROP TABLE IF EXISTS stage_transitions_hourly;
DROP TABLE IF EXISTS stage_transitions_hourly_staging;

-- Funnel. Grain: pipeline × level × mode × start hour × stage × dimensions.
-- entered = journeys (sessions, at level session) whose level ≥ the stage;
-- skipped = of those, entered without an event of the stage; advanced = with
-- an event of the stage and a level beyond it; time_to_next = exact quantile
-- states of the ms to the next stage, where both stages have events.
CREATE TABLE IF NOT EXISTS funnel_hourly
(
    pipeline     LowCardinality(String),
    level        LowCardinality(String),
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
    skipped      UInt64,
    advanced     UInt64,
    time_to_next AggregateFunction(quantilesExactInclusive(0.5, 0.9), UInt64)
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, level, mode, hour, stage_index, channel, device, browser, country, segment);

CREATE TABLE IF NOT EXISTS funnel_hourly_staging AS funnel_hourly;

-- Abandonment. Grain: pipeline × level × mode × rule × start hour of the
-- journey × 5-minute bucket of the time it entered `from` × dimensions.
-- started = every journey that entered `from` (so, for the journeys that
-- started in a period, it equals the funnel's entered); pending = of those,
-- outcome not known yet; abandoned = known and not completed. Partitioned by
-- the start day like the funnel, so a journey's rows are rebuilt with its
-- start day; reports select journeys by start hour, alert series by bucket.
CREATE TABLE IF NOT EXISTS abandonment_5m
(
    pipeline   LowCardinality(String),
    level      LowCardinality(String),
    mode       LowCardinality(String),
    rule       LowCardinality(String),
    start_hour DateTime('UTC'),
    bucket     DateTime('UTC'),
    channel    LowCardinality(String),
    device     LowCardinality(String),
    browser    LowCardinality(String),
    country    LowCardinality(String),
    segment    LowCardinality(String),
    started    UInt64,
    abandoned  UInt64,
    pending    UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(start_hour))
ORDER BY (pipeline, level, mode, rule, bucket, start_hour, channel, device, browser, country, segment);

CREATE TABLE IF NOT EXISTS abandonment_5m_staging AS abandonment_5m;

-- Progress moves (Sankey of stages). Grain: pipeline × level × start hour ×
-- from → to × channel × device. A move goes from the furthest stage reached
-- to the next stage that went further ((entry) first, (exit) last); progress
-- only grows, so a journey makes each move at most once: journeys = how many
-- made it. skipped = stages passed over by those moves, summed.
CREATE TABLE IF NOT EXISTS stage_transitions_hourly
(
    pipeline   LowCardinality(String),
    level      LowCardinality(String),
    hour       DateTime('UTC'),
    from_stage LowCardinality(String),
    to_stage   LowCardinality(String),
    channel    LowCardinality(String),
    device     LowCardinality(String),
    journeys   UInt64,
    skipped    UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, level, hour, from_stage, to_stage, channel, device);

CREATE TABLE IF NOT EXISTS stage_transitions_hourly_staging AS stage_transitions_hourly;

-- Touchpoint steps (Sankey of pages and events). Grain: pipeline × start hour
-- × from → to touchpoint × channel × device, sessions only. sessions =
-- sessions that took the step at least once; steps = how often it was taken.
CREATE TABLE IF NOT EXISTS touchpoint_transitions_hourly
(
    pipeline       LowCardinality(String),
    hour           DateTime('UTC'),
    from_touchpoint String,
    to_touchpoint   String,
    channel        LowCardinality(String),
    device         LowCardinality(String),
    sessions       UInt64,
    steps          UInt64
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, hour, from_touchpoint, to_touchpoint, channel, device);

CREATE TABLE IF NOT EXISTS touchpoint_transitions_hourly_staging AS touchpoint_transitions_hourly;
