-- The first and the last start hour of a funnel's journeys (one level and
-- mode) in funnel_segment_hourly (funnel_hourly's hours, fewer rows): the
-- journey map's default period.
SELECT
    count() AS rows,
    toInt64(toUnixTimestamp(min(hour))) * 1000 AS first_ms,
    toInt64(toUnixTimestamp(max(hour))) * 1000 AS last_ms
FROM funnel_segment_hourly
WHERE pipeline = {pipeline:String} AND level = {level:String} AND mode = {mode:String}
