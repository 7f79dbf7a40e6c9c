-- The journey of one person across devices and the CRM: their events in time order, each with its person, the identifier that stitched it and its session.
-- person is any identifier of the person (docs/semantics.md, "People"): u:<userId>, a:<anonymousId>,
-- c:<contactId>, e:<salted email hash>, or the person id. A shared device belongs to several persons:
-- the events of each are returned, told apart by person_id (so are a device's own events from before
-- its first login's lookback, whose person is the device itself).
-- Each event's person is the one the journeys table counts it for (the rule of src/pipeline/journey-store.ts).
-- Reads events by their primary key (the keys of the person's identifiers and of what they are linked to).
-- @param pipeline String | pipeline name
-- @param person String | any identifier of the person, e.g. u:<userId>, a:<anonymousId>, c:<contactId> or e:<email hash>
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | events at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | events before this time (UTC)
WITH
    -- The persons the identifier's events may belong to: its assignments, and itself (an identifier without one is its own person).
    candidates AS
    (
        SELECT {person:String} AS person_id
        UNION DISTINCT
        SELECT person_id FROM identity_persons FINAL
        WHERE pipeline = {pipeline:String} AND identifier = {person:String} AND is_deleted = 0
    ),
    -- Their identifiers: the only ones whose assignments can make an event theirs.
    members AS
    (
        SELECT person_id AS identifier FROM candidates
        UNION DISTINCT
        SELECT identifier FROM identity_persons FINAL
        WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND person_id IN (SELECT person_id FROM candidates)
    ),
    -- An event is keyed by one of its identifiers (the pipeline's identity order); when that is not the one
    -- it is stitched by, the event carries both, so the two are linked.
    event_keys AS
    (
        SELECT identifier AS key FROM members
        UNION DISTINCT
        SELECT other FROM identity_links
        WHERE pipeline = {pipeline:String} AND identifier IN (SELECT identifier FROM members)
    )
SELECT
    if(m.person_id = '', e.stitch_id, m.person_id) AS person_id,
    e.ts AS ts,
    e.stitch_id AS identifier,
    e.key AS key,
    s.session_id AS session_id,
    e.source AS source,
    e.type AS type,
    e.name AS name,
    e.stage AS stage,
    e.channel AS channel,
    e.touchpoint AS touchpoint,
    e.device AS device,
    -- The lifecycle or deal stage a CRM change moved to ('' for other events).
    if(e.source = 'crm', JSONExtractString(e.properties, 'to'), '') AS crm_to,
    e.nps AS nps,
    e.csat AS csat,
    e.event_id AS event_id
FROM
(
    -- The stitch identifier: the event's userId, contactId or email, else its device. The same multiIf as
    -- STITCH_IDENTIFIER in src/pipeline/journey-store.ts, repeated because that module builds its SQL in
    -- code and a named query is a file of its own; tests/integration/person-command.test.ts checks that the
    -- two texts are the same and that this query's persons are the journeys' persons.
    SELECT *, multiIf(user_id != '', concat('u:', user_id), contact_id != '', concat('c:', contact_id),
      email_hash != '', concat('e:', email_hash), anonymous_id != '', concat('a:', anonymous_id), key) AS stitch_id,
      toUnixTimestamp64Milli(ts) AS t_ms
    FROM events FINAL
    WHERE pipeline = {pipeline:String} AND key IN (SELECT key FROM event_keys)
      AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
) AS e
-- The assignment in force at the event's time (a device has one per login); an event of an identifier
-- outside `members` belongs to none of the candidates, whatever its assignment.
ASOF LEFT JOIN
(
    SELECT identifier, from_ms, person_id FROM identity_persons FINAL
    WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND identifier IN (SELECT identifier FROM members)
) AS m ON e.stitch_id = m.identifier AND e.t_ms >= m.from_ms
ASOF LEFT JOIN
(
    SELECT stream, key, session_id, start FROM sessions FINAL
    WHERE pipeline = {pipeline:String} AND key IN (SELECT key FROM event_keys) AND is_deleted = 0
) AS s ON e.stream = s.stream AND e.key = s.key AND e.ts >= s.start
WHERE person_id IN (SELECT person_id FROM candidates)
ORDER BY ts, event_id
