-- Funnel by stage with drop-off, from the funnel_hourly rollup (session level).
-- One row per stage reached by at least one session. entered = sessions whose
-- level ≥ the stage; advanced = level > the stage; dropped = entered − advanced.
-- The last stage has nowhere to advance to: its advanced is 0 by definition.
-- Sessions count in the hour they started, so from/to select by start hour.
-- @param pipeline String | pipeline name (as in pipelines/*.yaml)
-- @param mode String = ordered | ordered (windowFunnel order) or furthest (furthest stage in any order)
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions that started at or after this time (UTC)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions that started before this time (UTC)
SELECT
    stage_index,
    any(stage) AS stage,
    sum(entered) AS entered,
    sum(advanced) AS advanced,
    entered - advanced AS dropped,
    round(advanced / entered, 4) AS conversion_to_next,
    round(dropped / entered, 4) AS drop_off_rate,
    round(entered / max(entered) OVER (), 4) AS share_of_top
FROM funnel_hourly
WHERE pipeline = {pipeline:String}
  AND mode = {mode:String}
  AND hour >= {from:DateTime('UTC')}
  AND hour < {to:DateTime('UTC')}
GROUP BY stage_index
ORDER BY stage_index
