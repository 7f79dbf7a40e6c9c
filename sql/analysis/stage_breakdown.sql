-- Per stage k of one funnel mode and level, and per value of every breakdown
-- dimension (plus the overall total as dimension ''), for journeys (sessions
-- at level session: {table} = sessions, else journeys) starting in [from, to):
-- entered = level >= k, skipped = of those, entered without an event of k
-- (bit k-1 of funnel_skipped), advanced = with an event of k and level > k.
-- Journeys excluded in this mode are left out; with only_segment = 1, only
-- the journeys of that segment count. The same numbers as `journeys
-- funnel` and funnel_hourly (docs/semantics.md, "Stages are milestones").
SELECT
    d.1 AS dimension,
    d.2 AS value,
    k AS stage_index,
    count() AS entered,
    countIf(bitTest(skipped_mask, k - 1)) AS skipped,
    countIf(NOT bitTest(skipped_mask, k - 1) AND level > k) AS advanced
FROM
(
    SELECT
        arrayElement(funnel_levels, indexOf(funnel_modes, {mode:String})) AS level,
        arrayElement(funnel_skipped, indexOf(funnel_modes, {mode:String})) AS skipped_mask,
        arrayElement(funnel_excluded, indexOf(funnel_modes, {mode:String})) AS excluded,
        entry_channel, device, browser, country, segment, entry_touchpoint
    FROM {table:Identifier} FINAL
    WHERE pipeline = {pipeline:String}
      AND is_deleted = 0
      AND start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
      AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
      AND indexOf(funnel_modes, {mode:String}) > 0
      AND (NOT {only_segment:UInt8} OR segment = {segment:String})
)
ARRAY JOIN range(1, level + 1) AS k
ARRAY JOIN [
    ('', ''),
    ('channel', toString(entry_channel)),
    ('device', toString(device)),
    ('browser', toString(browser)),
    ('country', toString(country)),
    ('segment', toString(segment)),
    ('entry_touchpoint', entry_touchpoint)
] AS d
WHERE excluded = 0
GROUP BY dimension, value, stage_index
ORDER BY dimension, value, stage_index
