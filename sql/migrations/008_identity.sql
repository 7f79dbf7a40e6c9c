-- Identity stitching (docs/semantics.md, "People").
--
-- identity_links: two identifiers seen on one event, one row per sighting
-- written (an ingest writes a pair once per process, at its earliest time),
-- in both directions so that a component is read breadth first by key.
-- Identifiers carry their kind: a:<anonymousId>, u:<userId>, c:<contactId>,
-- e:<salted email hash>. Readers aggregate: first_seen = min, forced = max.
CREATE TABLE IF NOT EXISTS identity_links
(
    pipeline    LowCardinality(String),
    identifier  String,
    other       String,
    first_seen  DateTime64(3, 'UTC'),
    forced      UInt8,
    event_id    String
)
ENGINE = ReplacingMergeTree
ORDER BY (pipeline, identifier, other, first_seen, event_id);

-- identity_persons: from from_ms on (event time), events whose identifier is
-- `identifier` belong to `person_id`. One row from 0 for userIds, contactIds
-- and emails; one per login for a device (anonymousId). Identifiers without
-- a row are their own person. Rewritten by the identity refresh with a
-- higher version; an assignment that stops existing gets a tombstone.
CREATE TABLE IF NOT EXISTS identity_persons
(
    pipeline    LowCardinality(String),
    identifier  String,
    from_ms     Int64,
    person_id   String,
    version     UInt64,
    is_deleted  UInt8,
    INDEX person_idx person_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version, is_deleted)
ORDER BY (pipeline, identifier, from_ms);

-- For analysts: every stitched identifier, the person its events belong to
-- from `valid_from` on (a device can have several rows: one per login).
CREATE VIEW IF NOT EXISTS person_of AS
SELECT pipeline, identifier, person_id, fromUnixTimestamp64Milli(greatest(from_ms, 0), 'UTC') AS valid_from
FROM identity_persons FINAL
WHERE is_deleted = 0;
