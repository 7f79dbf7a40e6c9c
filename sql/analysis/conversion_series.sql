-- Conversion of stage k to k+1 per 5-minute bucket of the time sessions
-- reached stage k (ordered funnel): sessions that closed having reached k,
-- and how many of them did not go on (bad). Open sessions are still pending
-- and left out. Sessions reach k after they start, so the start filter only
-- needs the day before `from` as slack.
SELECT
    toInt64(toUnixTimestamp(bucket)) * 1000 AS bucket_ms,
    count() AS sessions,
    countIf(ordered_level = {stage_index:UInt8}) AS bad
FROM
(
    SELECT toStartOfFiveMinutes(ordered_reached[{stage_index:UInt8}]) AS bucket, ordered_level
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND is_deleted = 0
      AND is_open = 0
      AND ordered_level >= {stage_index:UInt8}
      AND start >= fromUnixTimestamp64Milli({from_ms:Int64} - 86400000, 'UTC')
      AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
)
WHERE bucket >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND bucket < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
GROUP BY bucket
ORDER BY bucket
