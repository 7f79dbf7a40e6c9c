-- One abandonment rule of one funnel mode and level per 5-minute bucket of
-- the time journeys entered its `from` stage ({table} = sessions at level
-- session, else journeys; excluded journeys start no rule). Per bucket and
-- `lag`: how many completed (entered `to` within the rule's window) before
-- bucket start + lag × 5 minutes; lag 0 = not completed (abandoned, or still
-- pending at the store's watermark). This is what the alert evaluator needs
-- to know, at any time T, how many of a bucket's checkouts were still without
-- an order at T (censored early, before the window closed) — from stored
-- times only, so a replay decides the same. The sum over lags is the rule's
-- `started` (the funnel's entered of `from`). A journey's from-stage entry
-- lies after its start, so the start filter needs {slack_ms} before `from`.
SELECT
    toInt64(toUnixTimestamp(bucket)) * 1000 AS bucket_ms,
    lag,
    count() AS sessions
FROM
(
    SELECT
        toStartOfFiveMinutes(started_at) AS bucket,
        if(
            outcome = 'completed',
            intDiv(
                toUnixTimestamp64Milli(arrayElement(arrayElement(funnel_reached, indexOf(funnel_modes, {mode:String})), {to_index:UInt8}))
                    - toInt64(toUnixTimestamp(toStartOfFiveMinutes(started_at))) * 1000,
                300000
            ) + 1,
            0
        ) AS lag
    FROM {table:Identifier} FINAL
    ARRAY JOIN
        abandonment_modes AS rule_mode,
        abandonment_rules AS rule,
        abandonment_outcomes AS outcome,
        abandonment_started AS started_at
    WHERE pipeline = {pipeline:String}
      AND is_deleted = 0
      AND start >= fromUnixTimestamp64Milli({from_ms:Int64} - {slack_ms:Int64}, 'UTC')
      AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
      AND rule_mode = {mode:String}
      AND rule = {rule:String}
      AND outcome != 'not_started'
      AND started_at >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')
      AND started_at < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
)
GROUP BY bucket, lag
ORDER BY bucket, lag
