-- The journey map (docs/semantics.md, "The journey map"): time in stage and
-- bounces per stage in the funnel rollup, and a rollup of the events of each
-- stage (touchpoints, channels, survey answers, tickets). Rows of
-- funnel_hourly written before this migration have no time-in-stage state and
-- no bounces: `journeys migrate --pipeline` rebuilds them (the map says so).

-- time_in_stage: exact quantile states of the ms from entering stage k to
-- entering the next stage, or to the journey's end when k is its furthest
-- stage, over journeys with an event of k. bounced: journeys made of a single
-- event (at level person: a single staged or exclusion event), of stage k.
ALTER TABLE funnel_hourly ADD COLUMN IF NOT EXISTS time_in_stage AggregateFunction(quantilesExactInclusive(0.5, 0.9), UInt64);
ALTER TABLE funnel_hourly ADD COLUMN IF NOT EXISTS bounced UInt64;
ALTER TABLE funnel_hourly_staging ADD COLUMN IF NOT EXISTS time_in_stage AggregateFunction(quantilesExactInclusive(0.5, 0.9), UInt64);
ALTER TABLE funnel_hourly_staging ADD COLUMN IF NOT EXISTS bounced UInt64;

-- The events of each stage (docs/semantics.md, "The journey map"). Grain:
-- pipeline × level × mode × start hour of the journey × stage the event
-- belongs to × segment × breakdown: each event is counted twice, once by
-- its cleaned touchpoint (breakdown 'touchpoint', channel '') and once by its
-- channel (breakdown 'channel', touchpoint ''), so `journeys` is exact in
-- both; the answer, ticket and exit columns are filled in 'touchpoint' rows
-- only. Stage 0 holds
-- the events that belong to no stage. events = events; journeys = journeys
-- with at least one such event; exits = journeys whose last event this was
-- (their furthest stage is stage_index); online = 0 for CRM events
-- (activities, tickets, surveys). Survey answers: NPS answers, promoters
-- (9–10), detractors (0–6); CSAT answers, sum and sum of squares of the
-- scores (mean and t interval); tickets = ticket_opened events; comments =
-- the newest three answers with a comment as (−time ms, type, score, text),
-- the smallest first.
CREATE TABLE IF NOT EXISTS stage_activity_hourly
(
    pipeline       LowCardinality(String),
    level          LowCardinality(String),
    mode           LowCardinality(String),
    hour           DateTime('UTC'),
    stage_index    UInt8,
    segment        LowCardinality(String),
    breakdown      LowCardinality(String),
    touchpoint     String,
    channel        LowCardinality(String),
    online         UInt8,
    events         UInt64,
    journeys       UInt64,
    exits          UInt64,
    nps_answers    UInt64,
    nps_promoters  UInt64,
    nps_detractors UInt64,
    csat_answers   UInt64,
    csat_sum       UInt64,
    csat_squares   UInt64,
    tickets        UInt64,
    comments       AggregateFunction(groupArraySorted(3), Tuple(Int64, String, UInt8, String))
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, level, mode, hour, stage_index, segment, breakdown, touchpoint, channel);

CREATE TABLE IF NOT EXISTS stage_activity_hourly_staging AS stage_activity_hourly;

-- The flow of one segment (a persona's map): the progress moves and the
-- touchpoint steps gain the segment of the journey (of its first event, or
-- first staged event).
ALTER TABLE stage_transitions_hourly ADD COLUMN IF NOT EXISTS segment LowCardinality(String);
ALTER TABLE stage_transitions_hourly_staging ADD COLUMN IF NOT EXISTS segment LowCardinality(String);
ALTER TABLE touchpoint_transitions_hourly ADD COLUMN IF NOT EXISTS segment LowCardinality(String);
ALTER TABLE touchpoint_transitions_hourly_staging ADD COLUMN IF NOT EXISTS segment LowCardinality(String);
