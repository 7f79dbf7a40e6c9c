-- Rebuilds (pipeline, day) partitions of abandonment_5m into a staging table (a private copy of its staging twin).
-- Sessions (level 'session') and journeys (level 'person') that started on
-- the days, one entry per (mode, rule) of the abandonment_* arrays, counted
-- in the hour they started and the 5 minutes in which they entered `from`.
-- started = every journey that entered `from`, pending included (= the
-- funnel's entered of `from`; excluded journeys start no rule); abandoned
-- and pending apart. Rows without progress columns (written before migration
-- 006, not yet rebuilt by `journeys migrate`) are left out.
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    level,
    mode,
    rule,
    toStartOfHour(start) AS start_hour,
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
    SELECT pipeline, 'session' AS level, start, entry_channel AS channel, device, browser, country, segment,
           abandonment_modes, abandonment_rules, abandonment_outcomes, abandonment_started
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
      AND length(abandonment_modes) = length(abandonment_rules)
    UNION ALL
    SELECT pipeline, 'person' AS level, start, entry_channel AS channel, device, browser, country, segment,
           abandonment_modes, abandonment_rules, abandonment_outcomes, abandonment_started
    FROM journeys FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
)
ARRAY JOIN
    abandonment_modes AS mode,
    abandonment_rules AS rule,
    abandonment_outcomes AS outcome,
    abandonment_started AS started_at
WHERE outcome != 'not_started'
GROUP BY pipeline, level, mode, rule, start_hour, bucket, channel, device, browser, country, segment
