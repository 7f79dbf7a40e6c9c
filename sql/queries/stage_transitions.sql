-- Progress moves: the Sankey of stages, from stage_transitions_hourly.
-- A move goes from the furthest stage reached to the next stage that went further,
-- framed by (entry) and (exit); going back to an earlier stage makes no move, and a
-- journey (or session) makes each move at most once, so journeys counts them.
-- share = this move's share of the moves leaving from_stage; skipped = the stages it passed over.
-- @param pipeline String | pipeline name
-- @param level String = session | one of session, person
-- @param from DateTime('UTC') = 1970-01-01 00:00:00 | sessions or journeys that started at or after this time (UTC; rounded down to the hour, as every report)
-- @param to DateTime('UTC') = 2200-01-01 00:00:00 | sessions or journeys that started before this time (UTC; rounded down to the hour)
-- @param min_journeys UInt64 = 1 | leave out moves made by fewer journeys (sessions)
SELECT
    from_stage,
    to_stage,
    moves AS journeys,
    round(moves / sum(moves) OVER (PARTITION BY from_stage), 4) AS share,
    passed_over AS skipped
FROM
(
    SELECT
        from_stage,
        to_stage,
        sum(journeys) AS moves,
        intDiv(sum(skipped), moves) AS passed_over
    FROM stage_transitions_hourly
    WHERE pipeline = {pipeline:String}
      AND level = {level:String}
      AND hour >= toStartOfHour({from:DateTime('UTC')})
      AND hour < toStartOfHour({to:DateTime('UTC')})
    GROUP BY from_stage, to_stage
)
QUALIFY journeys >= {min_journeys:UInt64}
ORDER BY from_stage = '(entry)' DESC, from_stage, journeys DESC, to_stage
