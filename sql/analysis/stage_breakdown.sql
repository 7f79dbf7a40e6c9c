-- Per stage k of the ordered funnel and per value of every breakdown
-- dimension (plus the overall total as dimension ''): sessions that entered k
-- (ordered_level >= k) and advanced to k+1 (ordered_level > k), for sessions
-- starting in [from, to). The bottleneck drivers compare these per value.
SELECT
    d.1 AS dimension,
    d.2 AS value,
    k AS stage_index,
    count() AS entered,
    countIf(ordered_level > k) AS advanced
FROM sessions FINAL
ARRAY JOIN range(1, ordered_level + 1) AS k
ARRAY JOIN [
    ('', ''),
    ('channel', toString(entry_channel)),
    ('device', toString(device)),
    ('browser', toString(browser)),
    ('country', toString(country)),
    ('segment', toString(segment)),
    ('entry_touchpoint', entry_touchpoint)
] AS d
WHERE pipeline = {pipeline:String}
  AND is_deleted = 0
  AND start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
GROUP BY dimension, value, stage_index
ORDER BY dimension, value, stage_index
