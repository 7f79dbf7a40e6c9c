-- Funnel by stage with drop-off, from the funnel_hourly rollup, in one level and mode.
-- One row per stage entered by at least one journey (docs/semantics.md, "Stages are
-- milestones"): entered = got to the stage; skipped = of those, without an event of
-- it; advanced = with an event of it and further; dropped = entered − skipped −
-- advanced; conversion_to_next = advanced / (entered − skipped), NULL when no
-- journey had an event of the stage. The last stage's advanced is 0 by definition.
-- Journeys count in the hour they started, so from/to select by start hour.
-- @param pipeline String | pipeline name (as in pipelines/*.yaml)
-- @param level String = session | one of session, person (a person's journey over funnel.journeyWindow)
-- @param mode String = reached | one of reached, ordered, strict, any (docs/semantics.md, "Modes")
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | journeys that started at or after this time (UTC; rounded down to the hour, as every report)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | journeys that started before this time (UTC; rounded down to the hour)
SELECT
    stage_index,
    any(stage) AS stage,
    sum(entered) AS entered,
    sum(skipped) AS skipped,
    sum(advanced) AS advanced,
    entered - skipped - advanced AS dropped,
    if(entered = skipped, NULL, round(advanced / (entered - skipped), 4)) AS conversion_to_next,
    round(dropped / entered, 4) AS drop_off_rate,
    round(entered / max(entered) OVER (), 4) AS share_of_top
FROM funnel_hourly
WHERE pipeline = {pipeline:String}
  AND level = {level:String}
  AND mode = {mode:String}
  AND hour >= toStartOfHour({from:DateTime('UTC')})
  AND hour < toStartOfHour({to:DateTime('UTC')})
GROUP BY stage_index
ORDER BY stage_index
