-- The journey map's per-stage totals from stage_activity_hourly: events
-- attributed to the stage, survey answers (NPS: answers, promoters 9–10,
-- detractors 0–6; CSAT: answers, sum, sum of squares), tickets opened, and
-- the newest three comments as (−time ms, type, score, text). Stage 0: the
-- events and answers that belong to no stage. Same filters as
-- stage_activity_top.sql.
SELECT
    if(grouping(segment_key) = 1, '', toString(segment_key)) AS value,
    toUInt8(grouping(segment_key)) AS overall,
    stage_index,
    sum(events) AS events,
    sum(nps_answers) AS nps_answers,
    sum(nps_promoters) AS nps_promoters,
    sum(nps_detractors) AS nps_detractors,
    sum(csat_answers) AS csat_answers,
    sum(csat_sum) AS csat_sum,
    sum(csat_squares) AS csat_squares,
    sum(tickets) AS tickets,
    groupArraySortedMerge(3)(comments) AS comments
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
  AND breakdown = 'touchpoint'
GROUP BY GROUPING SETS ((stage_index), (segment_key, stage_index))
ORDER BY overall DESC, value, stage_index
