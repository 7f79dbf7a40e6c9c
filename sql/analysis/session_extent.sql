-- First and last session start of a pipeline (ms), for default analysis periods.
SELECT
    count() AS sessions,
    toInt64(toUnixTimestamp64Milli(min(start))) AS first_ms,
    toInt64(toUnixTimestamp64Milli(max(start))) AS last_ms
FROM sessions FINAL
WHERE pipeline = {pipeline:String} AND is_deleted = 0
