-- The totals of abandonment_summary.sql per rule, without buckets (the
-- journey map): of one level and mode, of the journeys that started in
-- [from, to); with by_segment = 1 per segment value too (the personas, one
-- read for all of them), else '' and, with only_segment = 1, of that
-- segment only. started includes pending.
SELECT
    if({by_segment:UInt8}, segment, '') AS segment_of,
    rule,
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
GROUP BY segment_of, rule
ORDER BY segment_of, rule
