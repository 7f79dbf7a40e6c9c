-- Recorded alert state changes of a pipeline, newest first, optionally one
-- rule and a range of bucket_start (the bucket where the anomaly began).
-- Times as ms (aliases must not shadow the columns the WHERE clause reads).
SELECT
    rule,
    state,
    toInt64(toUnixTimestamp(bucket_start)) * 1000 AS bucket_start_ms,
    toInt64(toUnixTimestamp(evaluated_bucket)) * 1000 AS evaluated_bucket_ms,
    toInt64(toUnixTimestamp64Milli(known_at)) AS known_at_ms,
    metric,
    value,
    baseline,
    baseline_kind,
    baseline_sessions,
    sessions,
    z_score,
    message
FROM alerts FINAL
WHERE pipeline = {pipeline:String}
  AND ({rule:String} = '' OR rule = {rule:String})
  AND bucket_start >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND bucket_start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
ORDER BY bucket_start DESC, rule, evaluated_bucket DESC
LIMIT {limit:UInt32}
