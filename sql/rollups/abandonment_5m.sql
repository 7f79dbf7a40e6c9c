-- Rebuilds (pipeline, day) partitions of abandonment_5m into a staging table (a private copy of its staging twin).
-- Buckets follow the first `from` event, which may fall on a later day than
-- the session start, so sessions overlapping the day are read.
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    rule,
    toStartOfFiveMinutes(started_at) AS bucket,
    entry_channel AS channel,
    device,
    browser,
    country,
    segment,
    countIf(outcome IN ('completed', 'abandoned')) AS started,
    countIf(outcome = 'abandoned') AS abandoned,
    countIf(outcome = 'pending') AS pending
FROM sessions FINAL
ARRAY JOIN
    abandonment_rules AS rule,
    abandonment_outcomes AS outcome,
    abandonment_started AS started_at
WHERE pipeline = {pipeline:String}
  AND start < {day_end:DateTime64(3, 'UTC')} AND end >= {day_start:DateTime64(3, 'UTC')}
  AND is_deleted = 0
  AND outcome != 'not_started'
  AND started_at >= {day_start:DateTime64(3, 'UTC')} AND started_at < {day_end:DateTime64(3, 'UTC')}
GROUP BY pipeline, rule, bucket, channel, device, browser, country, segment
