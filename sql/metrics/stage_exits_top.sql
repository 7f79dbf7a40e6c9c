-- The journey map's exit touchpoints per stage, from stage_activity_hourly:
-- where the journeys whose furthest stage is that one had their last event,
-- most exits first (same filters as stage_activity_top.sql).
SELECT
    if({by_segment:UInt8}, toString(segment), '') AS value,
    stage_index,
    touchpoint,
    sum(exits) AS exits
FROM stage_activity_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
  AND stage_index > 0
  AND breakdown = 'touchpoint'
GROUP BY value, stage_index, touchpoint
HAVING exits > 0
ORDER BY value, stage_index, exits DESC, touchpoint
LIMIT {limit:UInt32} BY value, stage_index
