-- Emotions and tickets per stage (the journey map's emotion curve and pain
-- points), from stage_activity_hourly: the survey answers and tickets of the
-- journeys that started in the period, in the stage each belongs to
-- (docs/semantics.md, "The journey map"; stage 0 = belongs to no stage).
-- NPS = % promoters (9–10) − % detractors (0–6); CSAT = mean score; the
-- newest three comments as (−time ms, type, score, text).
-- @param pipeline String | pipeline name
-- @param level String = session | one of session, person
-- @param mode String = reached | one of reached, ordered, strict, any
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | journeys that started at or after this time (UTC; rounded down to the hour)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | journeys that started before this time (UTC; rounded down to the hour)
SELECT
    stage_index,
    sum(nps_answers) AS nps_answers,
    sum(nps_promoters) AS promoters,
    sum(nps_detractors) AS detractors,
    if(nps_answers = 0, NULL, round(100 * (promoters - detractors) / nps_answers, 1)) AS nps,
    sum(csat_answers) AS csat_answers,
    if(csat_answers = 0, NULL, round(sum(csat_sum) / csat_answers, 2)) AS csat_mean,
    sum(tickets) AS tickets_opened,
    groupArraySortedMerge(3)(comments) AS newest_comments
FROM stage_activity_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND breakdown = 'touchpoint'
  AND hour >= toStartOfHour({from:DateTime('UTC')})
  AND hour < toStartOfHour({to:DateTime('UTC')})
GROUP BY stage_index
ORDER BY stage_index
