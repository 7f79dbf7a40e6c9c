-- The journey map's flow: progress moves (reached mode) of one level from
-- stage_transitions_hourly, (entry) → stage → … → (exit), with the stages
-- each move skipped; journeys starting in [from, to), optionally one segment.
SELECT from_stage, to_stage, sum(journeys) AS journeys, sum(skipped) AS skipped
FROM stage_transitions_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
GROUP BY from_stage, to_stage
ORDER BY journeys DESC, from_stage, to_stage
