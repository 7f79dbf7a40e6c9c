-- Rebuilds (pipeline, day) partitions of funnel_hourly into a staging table (a private copy of its staging twin).
-- Both funnel modes come from the per-session levels and reach times.
INSERT INTO {staging:Identifier}
SELECT
    pipeline,
    mode,
    toStartOfHour(start) AS hour,
    k AS stage_index,
    {stage_names:Array(String)}[k] AS stage,
    entry_channel AS channel,
    device,
    browser,
    country,
    segment,
    count() AS entered,
    countIf(k < level) AS advanced,
    quantilesExactInclusiveStateIf(0.5, 0.9)(
        toUInt64(greatest(0, toUnixTimestamp64Milli(reached[k + 1]) - toUnixTimestamp64Milli(reached[k]))),
        k < level) AS time_to_next
FROM
(
    SELECT
        pipeline, start, entry_channel, device, browser, country, segment,
        arrayJoin([('ordered', ordered_level, ordered_reached), ('furthest', furthest_level, furthest_reached)]) AS m,
        m.1 AS mode,
        m.2 AS level,
        m.3 AS reached
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String}
      AND start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}
      AND is_deleted = 0
)
ARRAY JOIN range(1, level + 1) AS k
GROUP BY pipeline, mode, hour, k, channel, device, browser, country, segment
