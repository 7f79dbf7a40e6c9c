-- First and last start of a pipeline's journeys (ms; {table} = sessions at
-- level session, else journeys), for default analysis periods.
SELECT
    count() AS sessions,
    toInt64(toUnixTimestamp64Milli(min(start))) AS first_ms,
    toInt64(toUnixTimestamp64Milli(max(start))) AS last_ms
FROM {table:Identifier} FINAL
WHERE pipeline = {pipeline:String} AND is_deleted = 0
