-- Every recorded alert state change of a pipeline: what the evaluator needs to
-- resume each rule (its newest change) and to keep earlier incidents out of
-- baselines. Alerts are rare, so the whole history is small.
SELECT
    rule,
    state,
    toInt64(toUnixTimestamp(bucket_start)) * 1000 AS onset_ms,
    toInt64(toUnixTimestamp(evaluated_bucket)) * 1000 AS evaluated_ms
FROM alerts FINAL
WHERE pipeline = {pipeline:String}
ORDER BY rule, evaluated_bucket, state
