-- Per identity key: its staged events (time, stage) and the breakdown
-- dimensions of its first staged event, for person-level (journey) funnels.
SELECT
    key,
    groupArray(toUnixTimestamp64Milli(ts)) AS times,
    groupArray(stage_index) AS stages,
    argMin(channel, ts) AS channel,
    argMin(device, ts) AS device,
    argMin(browser, ts) AS browser,
    argMin(country, ts) AS country,
    argMin(segment, ts) AS segment
FROM events FINAL
WHERE pipeline = {pipeline:String}
  AND stage_index > 0
  AND ts >= {from:DateTime64(3, 'UTC')}
  AND ts < {to:DateTime64(3, 'UTC')}
GROUP BY key
