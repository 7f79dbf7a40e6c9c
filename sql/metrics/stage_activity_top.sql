-- The journey map's top touchpoints and channels per stage, from
-- stage_activity_hourly (docs/semantics.md, "The journey map"): events and
-- journeys per touchpoint (breakdown 'touchpoint') and per channel
-- (breakdown 'channel'), most events first; exits per touchpoint. One funnel
-- (level, mode), journeys starting in [from, to), optionally one segment;
-- with by_segment = 1 per segment value, else value ''.
SELECT
    if(grouping(segment_key) = 1, '', toString(segment_key)) AS value,
    toUInt8(grouping(segment_key)) AS overall,
    stage_index,
    breakdown,
    touchpoint,
    channel,
    online,
    sum(events) AS events,
    sum(journeys) AS journeys,
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
GROUP BY GROUPING SETS ((stage_index, breakdown, touchpoint, channel, online), (segment_key, stage_index, breakdown, touchpoint, channel, online))
ORDER BY overall DESC, value, stage_index, breakdown, events DESC, touchpoint, channel, online
LIMIT {limit:UInt32} BY overall, value, stage_index, breakdown
