-- Dead letters by reason: what was rejected, at which step, how often, with an example.
-- Reasons are grouped with their digits masked (# stands for any number), so
-- "event time 1970-… is before 2000-…" from many records is one row.
-- @param pipeline String | pipeline name
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | received at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | received before this time (UTC)
-- @param limit UInt32 = 50 | how many reasons
SELECT
    step,
    replaceRegexpAll(reason, '[0-9]+', '#') AS reason_pattern,
    count() AS records,
    min(received_at) AS first_received,
    max(received_at) AS last_received,
    any(origin) AS example_origin,
    any(reason) AS example_reason,
    substring(any(raw), 1, 200) AS example_raw
FROM dead_letters FINAL
WHERE pipeline = {pipeline:String}
  AND received_at >= {from:DateTime('UTC')} AND received_at < {to:DateTime('UTC')}
GROUP BY step, reason_pattern
ORDER BY records DESC, step, reason_pattern
LIMIT {limit:UInt32}
