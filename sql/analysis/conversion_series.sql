-- Conversion of stage k to k+1 of one funnel mode and level, per 5-minute
-- bucket of the time journeys entered stage k ({table} = sessions at level
-- session, else journeys): journeys with an event of stage k (entered −
-- skipped, so a skipped stage never counts as converted) that have ended,
-- and how many of them did not go on (bad: level = k). Open ones are still
-- pending and left out, excluded ones too. Journeys reach k after they start,
-- so the start filter only needs {slack_ms} (a day, or the journey window)
-- before `from` as slack.
SELECT
    toInt64(toUnixTimestamp(bucket)) * 1000 AS bucket_ms,
    count() AS sessions,
    countIf(level = {stage_index:UInt8}) AS bad
FROM
(
    SELECT
        arrayElement(funnel_levels, indexOf(funnel_modes, {mode:String})) AS level,
        arrayElement(funnel_skipped, indexOf(funnel_modes, {mode:String})) AS skipped_mask,
        arrayElement(funnel_excluded, indexOf(funnel_modes, {mode:String})) AS excluded,
        toStartOfFiveMinutes(arrayElement(arrayElement(funnel_reached, indexOf(funnel_modes, {mode:String})), {stage_index:UInt8})) AS bucket
    FROM {table:Identifier} FINAL
    WHERE pipeline = {pipeline:String}
      AND is_deleted = 0
      AND is_open = 0
      AND indexOf(funnel_modes, {mode:String}) > 0
      AND start >= fromUnixTimestamp64Milli({from_ms:Int64} - {slack_ms:Int64}, 'UTC')
      AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
)
WHERE level >= {stage_index:UInt8}
  AND excluded = 0
  AND NOT bitTest(skipped_mask, {stage_index:UInt8} - 1)
  AND bucket >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
  AND bucket < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
GROUP BY bucket
ORDER BY bucket
