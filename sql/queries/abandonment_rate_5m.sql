-- Abandonment rate per 5 minutes with its trailing baseline, from abandonment_5m.
-- rate = abandoned / started over sessions whose outcome is known (pending ones
-- apart); baseline_rate = the same over the baseline_hours before the bucket
-- (the bucket itself excluded), so a spike stands out against its own recent past.
-- Buckets without sessions have no row.
-- @param pipeline String | pipeline name
-- @param rule String = checkout_abandonment | abandonment rule name (pipelines/*.yaml: abandonment)
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | first bucket (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | buckets before this time (UTC)
-- @param baseline_hours UInt32 = 24 | length of the trailing baseline
SELECT bucket, started, abandoned, pending, rate, baseline_started, baseline_abandoned, baseline_rate
FROM
(
    SELECT
        bucket,
        started,
        abandoned,
        pending,
        if(started = 0, NULL, round(abandoned / started, 4)) AS rate,
        sum(started) OVER baseline AS baseline_started,
        sum(abandoned) OVER baseline AS baseline_abandoned,
        if(baseline_started = 0, NULL, round(baseline_abandoned / baseline_started, 4)) AS baseline_rate
    FROM
    (
        SELECT bucket, sum(started) AS started, sum(abandoned) AS abandoned, sum(pending) AS pending
        FROM abandonment_5m
        WHERE pipeline = {pipeline:String}
          AND rule = {rule:String}
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
