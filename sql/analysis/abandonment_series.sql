-- One abandonment rule per 5-minute bucket from the abandonment_5m rollup, all
-- dimensions summed: sessions with a known outcome and how many abandoned.
-- Buckets without sessions have no row.
SELECT
    toInt64(toUnixTimestamp(bucket)) * 1000 AS bucket_ms,
    sum(started) AS sessions,
    sum(abandoned) AS bad
FROM abandonment_5m
WHERE pipeline = {pipeline:String}
  AND rule = {rule:String}
  AND bucket >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND bucket < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
GROUP BY bucket
HAVING sessions > 0
ORDER BY bucket
