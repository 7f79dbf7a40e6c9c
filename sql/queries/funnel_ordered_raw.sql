-- Ordered funnel from the raw events with windowFunnel: the check on the rollups.
-- Each staged event is assigned to its stored session (ASOF JOIN: the latest
-- session of its stream and key starting at or before the event, which the
-- event must not outlast), and each session's level is windowFunnel over its events with the
-- stages as conditions (up to 16 stages). With mode = default and a window at
-- least as long as a session (24 h unless the pipeline says otherwise), the
-- counts equal funnel_by_stage with mode = ordered exactly for a pipeline
-- without optional stages, `within` and `exclude` (the test suite checks it;
-- the shipped ecommerce pipeline has optional stages). Other modes and shorter windows answer other questions, e.g.
-- "reached each next stage within 10 minutes of the first": window_ms = 600000.
-- @param pipeline String | pipeline name
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions that started at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions that started before this time (UTC)
-- @param window_ms UInt64 = 86400000 | windowFunnel window in ms, from the chain's first event
-- @param mode String = default | one of default, strict_order, strict_deduplication, strict_increase (windowFunnel's modes)
-- @param by_source_session UInt8 = 0 | 1 for pipelines with sessions.useSourceSessionId: true (sessions per key and source session)
WITH
    picked AS
    (
        SELECT stream, key, if({by_source_session:UInt8} = 1, source_session_id, '') AS source_session, session_id, start, end
        FROM sessions FINAL
        WHERE pipeline = {pipeline:String}
          AND start >= {from:DateTime('UTC')} AND start < {to:DateTime('UTC')}
          AND is_deleted = 0
    ),
    staged AS
    (
        SELECT stream, key, if({by_source_session:UInt8} = 1, source_session_id, '') AS source_session, ts, stage_index
        FROM events FINAL
        WHERE pipeline = {pipeline:String} AND stage_index > 0 AND ts >= {from:DateTime('UTC')}
    ),
    levels AS
    (
        SELECT
            session_id,
            -- Aggregate parameters must be constants: one windowFunnel per mode, and -If
            -- feeds rows only to the one asked for, so the others cost next to nothing.
            multiIf(
                {mode:String} = 'default',
                windowFunnelIf({window_ms:UInt64})(t, st = 1, st = 2, st = 3, st = 4, st = 5, st = 6, st = 7, st = 8,
                    st = 9, st = 10, st = 11, st = 12, st = 13, st = 14, st = 15, st = 16, {mode:String} = 'default'),
                {mode:String} = 'strict_order',
                windowFunnelIf({window_ms:UInt64}, 'strict_order')(t, st = 1, st = 2, st = 3, st = 4, st = 5, st = 6, st = 7, st = 8,
                    st = 9, st = 10, st = 11, st = 12, st = 13, st = 14, st = 15, st = 16, {mode:String} = 'strict_order'),
                {mode:String} = 'strict_deduplication',
                windowFunnelIf({window_ms:UInt64}, 'strict_deduplication')(t, st = 1, st = 2, st = 3, st = 4, st = 5, st = 6, st = 7, st = 8,
                    st = 9, st = 10, st = 11, st = 12, st = 13, st = 14, st = 15, st = 16, {mode:String} = 'strict_deduplication'),
                {mode:String} = 'strict_increase',
                windowFunnelIf({window_ms:UInt64}, 'strict_increase')(t, st = 1, st = 2, st = 3, st = 4, st = 5, st = 6, st = 7, st = 8,
                    st = 9, st = 10, st = 11, st = 12, st = 13, st = 14, st = 15, st = 16, {mode:String} = 'strict_increase'),
                throwIf(1, 'mode must be default, strict_order, strict_deduplication or strict_increase')) AS level
        FROM
        (
            SELECT s.session_id AS session_id, toUInt64(toUnixTimestamp64Milli(e.ts)) AS t, e.stage_index AS st
            FROM staged AS e
            ASOF INNER JOIN picked AS s ON e.stream = s.stream AND e.key = s.key AND e.source_session = s.source_session AND e.ts >= s.start
            WHERE e.ts <= s.end
        )
        GROUP BY session_id
    ),
    names AS
    (
        SELECT stage_index, any(stage) AS stage
        FROM events
        WHERE pipeline = {pipeline:String} AND stage_index > 0
        GROUP BY stage_index
    )
SELECT
    k AS stage_index,
    any(names.stage) AS stage,
    count() AS entered,
    countIf(level > k) AS advanced,
    entered - advanced AS dropped,
    round(advanced / entered, 4) AS conversion_to_next,
    round(dropped / entered, 4) AS drop_off_rate
FROM levels
ARRAY JOIN range(1, level + 1) AS k
LEFT JOIN names ON names.stage_index = k
GROUP BY k
ORDER BY k
