-- Abandonment per rule and 5-minute bucket from the abandonment_5m rollup.
SELECT
    rule,
    bucket,
    sum(started) AS started,
    sum(abandoned) AS abandoned,
    sum(pending) AS pending
FROM abandonment_5m
WHERE pipeline = {pipeline:String}
  AND bucket >= {from:DateTime('UTC')}
  AND bucket < {to:DateTime('UTC')}
  AND ({rule:String} = '' OR rule = {rule:String})
GROUP BY rule, bucket
ORDER BY rule, bucket
