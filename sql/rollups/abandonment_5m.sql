-- Rebuilds (pipeline, day) partitions of abandonment_5m into a staging table (a private copy of its staging twin).
-- Sessions (level 'session') and journeys (level 'journey'), one entry per
-- (mode, rule) of the abandonment_* arrays. A journey is bucketed by the 5
-- minutes in which it entered `from`, which may fall on a later day than its
-- start, so rows overlapping the day are read (a session lasts at most
-- session_lookback_ms, a journey journey_lookback_ms). started = every
-- journey that entered `from`, pending included (= the funnel's entered of
-- `from`; excluded journeys start no rule); abandoned and pending apart.
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    level,
    mode,
    rule,
    toStartOfFiveMinutes(started_at) AS bucket,
    channel,
    device,
    browser,
    country,
    segment,
    count() AS started,
    countIf(outcome = 'abandoned') AS abandoned,
    countIf(outcome = 'pending') AS pending
FROM
(
    SELECT pipeline, 'session' AS level, entry_channel AS channel, device, browser, country, segment,
           abandonment_modes, abandonment_rules, abandonment_outcomes, abandonment_started
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start < {day_end:DateTime64(3, 'UTC')} AND end >= {day_start:DateTime64(3, 'UTC')}
      AND start >= {day_start:DateTime64(3, 'UTC')} - toIntervalMillisecond({session_lookback_ms:UInt64})
      AND is_deleted = 0
    UNION ALL
    SELECT pipeline, 'journey' AS level, entry_channel AS channel, device, browser, country, segment,
           abandonment_modes, abandonment_rules, abandonment_outcomes, abandonment_started
    FROM journeys FINAL
    WHERE pipeline = {pipeline:String}
      AND start < {day_end:DateTime64(3, 'UTC')} AND end >= {day_start:DateTime64(3, 'UTC')}
      AND start >= {day_start:DateTime64(3, 'UTC')} - toIntervalMillisecond({journey_lookback_ms:UInt64})
      AND is_deleted = 0
)
ARRAY JOIN
    abandonment_modes AS mode,
    abandonment_rules AS rule,
    abandonment_outcomes AS outcome,
    abandonment_started AS started_at
WHERE outcome != 'not_started'
  AND started_at >= {day_start:DateTime64(3, 'UTC')} AND started_at < {day_end:DateTime64(3, 'UTC')}
GROUP BY pipeline, level, mode, rule, bucket, channel, device, browser, country, segment
