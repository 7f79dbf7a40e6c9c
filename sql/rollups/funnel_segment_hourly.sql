-- Rebuilds (pipeline, day) partitions of funnel_segment_hourly into a staging
-- table, from the funnel_hourly rows of the same days just built in this
-- rebuild's own staging table ({source}): the same figures summed and merged
-- over channel, device, browser and country (exact quantile states merge
-- to the same quantiles whatever the grouping).
INSERT INTO {staging:Identifier}
SELECT pipeline, level, mode, hour, stage_index, stage, segment,
       sum(entered) AS entered,
       sum(skipped) AS skipped,
       sum(advanced) AS advanced,
       quantilesExactInclusiveMergeState(0.5, 0.9)(time_to_next) AS time_to_next,
       quantilesExactInclusiveMergeState(0.5, 0.9)(time_in_stage) AS time_in_stage,
       sum(bounced) AS bounced
FROM {source:Identifier}
GROUP BY pipeline, level, mode, hour, stage_index, stage, segment
