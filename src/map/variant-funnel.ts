/**
 * The funnel per variant of an A/B test (`journeys map --variant <path>`):
 * a journey's variant is the first value its events carry at the path
 * (docs/semantics.md, "The journey map"); per variant and stage the same
 * entered / skipped / advanced as funnel_hourly counts. Read from the facts
 * (the path is chosen at query time, so no rollup holds it).
 */
import type { Store } from '../stores/store.js';
import { UsageError } from '../cli/cli-error.js';
import type { FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import { journeyEventsSql } from '../pipeline/stage-activity-sql.js';
import { segmentParams } from '../metrics/time-range.js';
import { toClickHouseDateTime } from '../stores/datetime.js';
import type { StepCounts } from '../analysis/stage-breakdown.js';

const PROPERTY_PATH = /^properties((?:\.[A-Za-z_$][A-Za-z0-9_$-]*)+)$/;

/** The JSONPath of a `properties.` path in the stored properties text; a usage error for anything else. */
export function variantJsonPath(path: string): string {
  const match = PROPERTY_PATH.exec(path);
  if (!match) {
    throw new UsageError(
      `--variant takes a path in the events' properties, e.g. properties.experiment_variant (got "${path}"); ` +
        'other fields are not stored with the events: send the variant as a property (Segment: properties.<name>)',
    );
  }
  return `$${match[1]!.split('.').filter(Boolean).map((key) => `."${key}"`).join('')}`;
}

/** Per variant value: per stage index the counts, and the journeys that carry the variant (entered stage 1 or not). */
export interface VariantFunnels {
  counts: Map<string, Map<number, StepCounts>>;
  journeys: Map<string, number>;
}

export async function readVariantFunnels(
  store: Store,
  options: {
    pipeline: string;
    level: FunnelLevel;
    mode: FunnelMode;
    fromMs: number;
    toMs: number;
    path: string;
    segment?: string | undefined;
    /** How far past the period its sessions (maxDuration) and journeys (journeyWindow) reach. */
    maxDurationMs: number;
    windowMs: number;
    useSourceSessionId: boolean;
  },
): Promise<VariantFunnels> {
  const jsonPath = variantJsonPath(options.path);
  const sql = `SELECT variant, k AS stage_index, count() AS entered, countIf(bitTest(skipped_mask, k - 1)) AS skipped,
         countIf(k < furthest AND NOT bitTest(skipped_mask, k - 1)) AS advanced, any(journeys_of_variant) AS journeys
    FROM
    (
        SELECT variant, mode, furthest, skipped_mask, excluded, count() OVER (PARTITION BY variant) AS journeys_of_variant
          FROM
          (
              SELECT journey_id, any(segment) AS segment, any(funnel_modes) AS modes, any(funnel_levels) AS levels,
                     any(funnel_skipped) AS skipped, any(funnel_excluded) AS excluded_of,
                     argMinIf(value, (t_ms, event_id), value != '') AS variant
                FROM (SELECT *, JSON_VALUE(properties, {json_path:String}) AS value FROM (${journeyEventsSql(options.level, 'position(properties, {variant_key:String}) > 0')}))
               GROUP BY journey_id
          )
          ARRAY JOIN modes AS mode, levels AS furthest, skipped AS skipped_mask, excluded_of AS excluded
         WHERE variant != '' AND mode = {mode:String} AND excluded = 0
           AND (NOT {only_segment:UInt8} OR segment = {segment:String})
    )
    ARRAY JOIN range(1, furthest + 1) AS k
   GROUP BY variant, stage_index
   ORDER BY variant, stage_index`;
  const rows = await store.query<{ variant: string; stage_index: number | string; entered: number | string; skipped: number | string; advanced: number | string; journeys: number | string }>(sql, {
    pipeline: options.pipeline,
    mode: options.mode,
    json_path: jsonPath,
    // Only events whose properties name the path's last key can carry a variant: the rest are not joined at all.
    variant_key: `"${options.path.split('.').pop()!}"`,
    day_start: toClickHouseDateTime(options.fromMs),
    day_end: toClickHouseDateTime(options.toMs),
    max_duration_ms: options.maxDurationMs,
    window_ms: options.windowMs,
    use_source_session_id: options.useSourceSessionId ? 1 : 0,
    ...segmentParams(options.segment),
  });
  const counts = new Map<string, Map<number, StepCounts>>();
  const journeys = new Map<string, number>();
  for (const row of rows) {
    let stages = counts.get(row.variant);
    if (!stages) counts.set(row.variant, (stages = new Map()));
    stages.set(Number(row.stage_index), { entered: Number(row.entered), skipped: Number(row.skipped), advanced: Number(row.advanced) });
    journeys.set(row.variant, Number(row.journeys));
  }
  return { counts, journeys };
}
