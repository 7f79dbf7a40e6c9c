-- The journey of one identity: its events in time order with the session each belongs to.
-- key is the identity key: the first present field of the pipeline's identity order,
-- prefixed by its kind (a:<anonymousId>, u:<userId>, c:<contactId>), e.g. a:4f1c….
-- One key only, not stitched: a person's other devices and CRM contact are other keys, and a
-- shared device's key holds the events of several persons. For a person's events on every device
-- and in the CRM, each with its person, use person_journey (docs/semantics.md, "People").
-- Reads events by its primary key: fast at any size.
-- @param pipeline String | pipeline name
-- @param key String | identity key, e.g. a:<anonymousId> or u:<userId>
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | events at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | events before this time (UTC)
SELECT
    e.ts AS ts,
    s.session_id AS session_id,
    e.source AS source,
    e.type AS type,
    e.name AS name,
    e.stage AS stage,
    e.touchpoint AS touchpoint,
    e.channel AS channel,
    e.device AS device,
    e.country AS country,
    e.event_id AS event_id
FROM
(
    SELECT * FROM events FINAL
    WHERE pipeline = {pipeline:String} AND key = {key:String}
      AND ts >= {from:DateTime('UTC')} AND ts < {to:DateTime('UTC')}
) AS e
ASOF LEFT JOIN
(
    SELECT stream, key, session_id, start, end FROM sessions FINAL
    WHERE pipeline = {pipeline:String} AND key = {key:String} AND is_deleted = 0
) AS s ON e.stream = s.stream AND e.key = s.key AND e.ts >= s.start
ORDER BY ts, event_id
