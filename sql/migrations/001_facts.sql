-- Fact tables. Every row carries a deterministic id, so replays converge:
-- ReplacingMergeTree collapses a re-inserted row onto the one already there.

-- Normalized events. Grain: one row per event_id (per pipeline). `stream` is
-- where it was sessionized (`files`, or a Kafka partition): repairs of late
-- events only ever rebuild sessions from their own stream's events.
-- ORDER BY starts with (pipeline, key, ts): repairs and journeys read one
-- identity's events over a time range; event_id last makes duplicates collapse.
CREATE TABLE IF NOT EXISTS events
(
    pipeline          LowCardinality(String),
    stream            LowCardinality(String),
    key               String,
    ts                DateTime64(3, 'UTC'),
    event_id          String,
    received_at       DateTime64(3, 'UTC'),
    source            LowCardinality(String),
    type              LowCardinality(String),
    name              LowCardinality(String),
    stage_index       UInt8,
    stage             LowCardinality(String),
    channel           LowCardinality(String),
    touchpoint        String,
    campaign_source   LowCardinality(String),
    campaign_medium   LowCardinality(String),
    campaign_name     LowCardinality(String),
    page_path         String,
    referrer          String,
    device            LowCardinality(String),
    browser           LowCardinality(String),
    os                LowCardinality(String),
    country           LowCardinality(String),
    locale            LowCardinality(String),
    segment           LowCardinality(String),
    anonymous_id      String,
    user_id           String,
    contact_id        String,
    email_hash        String,
    source_session_id String,
    nps               Nullable(UInt8),
    csat              Nullable(UInt8),
    properties        String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (pipeline, key, ts, event_id);

-- Sessions. Grain: one row per session_id; a session changes as late events
-- arrive, each change a higher version; a session id that stops existing (two
-- sessions merged by a late event) gets a tombstone (is_deleted = 1) that
-- outranks every live version. Read with FINAL.
CREATE TABLE IF NOT EXISTS sessions
(
    pipeline             LowCardinality(String),
    stream               LowCardinality(String),
    key                  String,
    session_id           String,
    version              UInt64,
    is_deleted           UInt8,
    is_open              UInt8,
    source_session_id    String,
    start                DateTime64(3, 'UTC'),
    end                  DateTime64(3, 'UTC'),
    event_count          UInt32,
    path_stages          Array(LowCardinality(String)),
    path_times           Array(DateTime64(3, 'UTC')),
    ordered_level        UInt8,
    ordered_reached      Array(DateTime64(3, 'UTC')),
    furthest_level       UInt8,
    furthest_reached     Array(DateTime64(3, 'UTC')),
    furthest_stage       LowCardinality(String),
    exit_stage           LowCardinality(String),
    entry_channel        LowCardinality(String),
    entry_campaign       LowCardinality(String),
    entry_touchpoint     String,
    exit_touchpoint      String,
    converted            UInt8,
    abandonment_rules    Array(LowCardinality(String)),
    abandonment_outcomes Array(LowCardinality(String)),
    abandonment_started  Array(DateTime64(3, 'UTC')),
    device               LowCardinality(String),
    browser              LowCardinality(String),
    os                   LowCardinality(String),
    country              LowCardinality(String),
    segment              LowCardinality(String)
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMM(start)
ORDER BY (pipeline, key, session_id);

-- Invalid input, never dropped. Grain: one row per (origin, raw text): the id
-- hashes both, so re-reading the same file does not add rows.
CREATE TABLE IF NOT EXISTS dead_letters
(
    pipeline    LowCardinality(String),
    id          String,
    received_at DateTime64(3, 'UTC'),
    origin_kind LowCardinality(String),
    origin      String,
    step        LowCardinality(String),
    reason      String,
    issues      String,
    raw         String
)
ENGINE = ReplacingMergeTree
ORDER BY (pipeline, id);

-- Checkpoint per pipeline and stream (file runs, a Kafka partition): the
-- watermark that closed sessions, the newest event time seen, and the groups
-- open at that moment with the provisional session ids written for them. A
-- restart restores exactly these groups from `events`, so nothing is replayed
-- from the source beyond the last committed offset; and the days whose rollups
-- still wait for a rebuild, so a crash never leaves a rollup stale.
CREATE TABLE IF NOT EXISTS stream_state
(
    pipeline       LowCardinality(String),
    stream         String,
    watermark_ms   Int64,
    max_event_ms   Int64,
    open_groups    String, -- JSON: [{groupKey, key, fromMs, sessionIds, sessionStarts}]
    dirty_days     Array(Int64), -- UTC days (ms) whose rollups still need a rebuild
    updated_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (pipeline, stream);
