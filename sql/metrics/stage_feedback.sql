-- The journey map's per-stage totals from stage_activity_hourly: events
-- attributed to the stage, survey answers (NPS: answers, promoters 9–10,
-- detractors 0–6; CSAT: answers, sum, sum of squares), tickets opened, and
-- the newest three comments as (−time ms, type, score, text). Stage 0: the
-- events and answers that belong to no stage. Same filters as
-- stage_activity_top.sql.
SELECT
    if({by_segment:UInt8}, toString(segment), '') AS value,
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
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
  AND (NOT {only_segment:UInt8} OR segment = {segment:String})
  AND breakdown = 'touchpoint'
GROUP BY value, stage_index
ORDER BY value, stage_index
