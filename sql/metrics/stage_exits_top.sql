-- The journey map's exit touchpoints per stage, from stage_activity_hourly:
-- where the journeys whose furthest stage is that one had their last event,
-- most exits first (same filters as stage_activity_top.sql).
SELECT
    if(grouping(segment_key) = 1, '', toString(segment_key)) AS value,
    toUInt8(grouping(segment_key)) AS overall,
    stage_index,
    touchpoint,
    sum(exits) AS exits
FROM stage_activity_hourly
-- With by_segment, the overall rows and the per-segment rows in one read (the
-- rows are read once); without it the per-segment set is one group per stage
-- and is left unread by the caller.
ARRAY JOIN [if({by_segment:UInt8}, toString(segment), '')] AS segment_key
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
  AND stage_index > 0
  AND breakdown = 'touchpoint'
GROUP BY GROUPING SETS ((stage_index, touchpoint), (segment_key, stage_index, touchpoint))
HAVING exits > 0
ORDER BY overall DESC, value, stage_index, exits DESC, touchpoint
LIMIT {limit:UInt32} BY overall, value, stage_index
