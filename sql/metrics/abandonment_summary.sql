-- Abandonment per rule and 5-minute bucket from the abandonment_5m rollup, for
-- one level (session or journey) and mode, of the journeys that started in
-- [from, to) (the funnel's period), of one segment with only_segment = 1.
-- started includes pending.
SELECT
    rule,
    bucket,
    sum(started) AS started,
    sum(abandoned) AS abandoned,
    sum(pending) AS pending
FROM abandonment_5m
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND start_hour >= {from:DateTime('UTC')}
  AND start_hour < {to:DateTime('UTC')}
  AND ({rule:String} = '' OR rule = {rule:String})
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY rule, bucket
ORDER BY rule, bucket
