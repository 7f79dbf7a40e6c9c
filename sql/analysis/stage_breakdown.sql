-- Per stage k of one funnel mode and level, and per value of every breakdown
-- dimension (plus the overall total as dimension ''), for journeys (sessions
-- at level session) starting in the hours [from, to): entered, skipped and
-- advanced as funnel_hourly counts them (docs/semantics.md, "Stages are
-- milestones"), read from the rollups that hold those counts per single
-- dimension: funnel_segment_hourly (overall and segment), funnel_driver_hourly
-- (channel, device, browser, country) and entry_touchpoint_hourly (the entry
-- touchpoint). With only_segment = 1, only the journeys of that segment
-- count. `journeys bottlenecks` and the journey map's opportunities cost the
-- same for a month as for a day. Measured on a month of 10M events (npm run
-- bench -- queries): an ARRAY JOIN of the dimensions over funnel_hourly took
-- ~1.1 s, GROUPING SETS over it 0.30 s, these per-dimension rollups less.
-- One ORDER BY for the whole union (in ClickHouse a trailing ORDER BY belongs to its last SELECT only).
SELECT * FROM
(
    SELECT if(grouping(segment) = 1, '', 'segment') AS dimension, if(grouping(segment) = 1, '', toString(segment)) AS value,
           stage_index, sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
    FROM funnel_segment_hourly
    WHERE pipeline = {pipeline:String}
      AND level = {level:String}
      AND mode = {mode:String}
      AND hour >= {from:DateTime('UTC')}
      AND hour < {to:DateTime('UTC')}
      AND (NOT {only_segment:UInt8} OR segment = {segment:String})
    GROUP BY GROUPING SETS ((stage_index), (stage_index, segment))
    UNION ALL
    SELECT toString(dimension) AS dimension, toString(value) AS value, stage_index, sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
    FROM funnel_driver_hourly
    WHERE pipeline = {pipeline:String}
      AND level = {level:String}
      AND mode = {mode:String}
      AND hour >= {from:DateTime('UTC')}
      AND hour < {to:DateTime('UTC')}
      AND (NOT {only_segment:UInt8} OR segment = {segment:String})
    GROUP BY dimension, value, stage_index
    UNION ALL
    SELECT 'entry_touchpoint' AS dimension, entry_touchpoint AS value, stage_index, sum(entered) AS entered, sum(skipped) AS skipped, sum(advanced) AS advanced
    FROM entry_touchpoint_hourly
    WHERE pipeline = {pipeline:String}
      AND level = {level:String}
      AND mode = {mode:String}
      AND hour >= {from:DateTime('UTC')}
      AND hour < {to:DateTime('UTC')}
      AND (NOT {only_segment:UInt8} OR segment = {segment:String})
    GROUP BY dimension, value, stage_index
)
ORDER BY dimension, value, stage_index
