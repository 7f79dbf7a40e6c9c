-- Rebuilds (pipeline, day) partitions of funnel_driver_hourly into a staging
-- table, from the funnel_hourly rows of the same days just built in this
-- rebuild's own staging table ({source}): their counts summed per single
-- dimension (channel, device, browser, country) and value.
INSERT INTO {staging:Identifier}
SELECT pipeline, level, mode, hour, stage_index, segment, pair.1 AS dimension, pair.2 AS value,
       sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
FROM {source:Identifier}
ARRAY JOIN [('channel', toString(channel)), ('device', toString(device)), ('browser', toString(browser)), ('country', toString(country))] AS pair
GROUP BY pipeline, level, mode, hour, stage_index, segment, dimension, value
