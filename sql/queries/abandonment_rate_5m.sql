-- Abandonment rate per 5 minutes with its trailing baseline, from abandonment_5m.
-- started = journeys that entered the rule's from-stage in the bucket, pending
-- included (the funnel's entered); rate = abandoned / (started − pending), over
-- the outcomes known; baseline_rate = the same over the baseline_hours before the
-- bucket (the bucket itself excluded), so a spike stands out against its own
-- recent past. Buckets without journeys have no row.
-- @param pipeline String | pipeline name
-- @param rule String = checkout_abandonment | abandonment rule name (pipelines/*.yaml: abandonment)
-- @param level String = session | one of session, person
-- @param mode String = reached | one of reached, ordered, strict (no rule is counted in any mode)
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | first bucket (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | buckets before this time (UTC)
-- @param baseline_hours UInt32 = 24 | length of the trailing baseline
SELECT bucket, started, pending, abandoned, rate, baseline_known, baseline_abandoned, baseline_rate
FROM
(
    SELECT
        bucket,
        started,
        pending,
        abandoned,
        if(started = pending, NULL, round(abandoned / (started - pending), 4)) AS rate,
        sum(started - pending) OVER baseline AS baseline_known,
        sum(abandoned) OVER baseline AS baseline_abandoned,
        if(baseline_known = 0, NULL, round(baseline_abandoned / baseline_known, 4)) AS baseline_rate
    FROM
    (
        SELECT bucket, sum(started) AS started, sum(abandoned) AS abandoned, sum(pending) AS pending
        FROM abandonment_5m
        WHERE pipeline = {pipeline:String}
          AND rule = {rule:String}
          AND level = {level:String}
          AND mode = {mode:String}
          -- The baseline of the first buckets reaches back before from (written this
          -- way round because from − 24 h would wrap below 1970).
          AND bucket + toIntervalHour({baseline_hours:UInt32}) >= {from:DateTime('UTC')}
          AND bucket < {to:DateTime('UTC')}
        GROUP BY bucket
    )
    -- RANGE over seconds: missing buckets do not stretch the baseline.
    WINDOW baseline AS (ORDER BY toUInt32(bucket) RANGE BETWEEN {baseline_hours:UInt32} * 3600 PRECEDING AND 1 PRECEDING)
)
WHERE bucket >= {from:DateTime('UTC')}
ORDER BY bucket
