/**
 * Reads the customer journey map of a pipeline (docs/semantics.md, "The
 * journey map") from the rollups every report reads: the funnel
 * (readFunnel), the abandonment rules (abandonmentReport), the bottlenecks
 * (analyzeBottlenecks), the stage activity, the flow. Each figure comes from
 * the reader the CLI uses for it; this file only chooses periods and puts
 * them together.
 */
import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import type { FunnelLevel, FunnelMode, JourneyDefinition } from '../journey/definition-schema.js';
import { readFunnel } from '../metrics/funnel-reader.js';
import { abandonmentTotals, abandonmentTotalsBySegment, type AbandonmentRuleTotals } from '../metrics/abandonment-report.js';
import { analyzeBottlenecks, type BaselineChoice } from '../analysis/bottleneck-report.js';
import { driverDimensions } from '../analysis/driver-dimensions.js';
import { hourFloor, rangeParams, segmentParams, type TimeRange } from '../metrics/time-range.js';
import type { FunnelStage } from '../metrics/funnel-report.js';
import type { StepCounts } from '../analysis/stage-breakdown.js';
import { readStageActivity, stageActivity } from './read-stage-activity.js';
import { stageColumns } from './stage-columns.js';
import { compareStages, COMPARISON_ALPHA, MIN_SAMPLE } from './compare-stages.js';
import { readVariantFunnels } from './variant-funnel.js';
import { JOURNEY_MAP_FORMAT, type JourneyMap, type MapComparison, type MapFlow, type MapPeriod, type MapPersona } from './journey-map.js';

/** Personas shown: the largest segments. */
export const MAX_PERSONAS = 8;
/** Touchpoint steps in the touchpoint flow. */
export const FLOW_TOUCHPOINT_STEPS = 40;

const HOUR_MS = 3_600_000;

export interface JourneyMapOptions {
  definition: JourneyDefinition;
  level: FunnelLevel;
  mode: FunnelMode;
  /** Journeys starting in it (rounded down to the hour); default: every stored journey of the funnel. */
  range: TimeRange;
  /** Only the journeys of this segment. */
  segment?: string | undefined;
  /** This period against an earlier one. */
  compare?: BaselineChoice | undefined;
  /** A/B: a properties path; the two variant values (default: the two with the most journeys). */
  variant?: { path: string; values?: [string, string] | undefined } | undefined;
  nowMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The period: the range as given, else the stored journeys' start hours (first to the hour after the last). */
async function periodOf(store: Store, options: JourneyMapOptions): Promise<{ fromMs: number; toMs: number }> {
  const given = { fromMs: options.range.fromMs === undefined ? undefined : hourFloor(options.range.fromMs), toMs: options.range.toMs === undefined ? undefined : hourFloor(options.range.toMs) };
  if (given.fromMs !== undefined && given.toMs !== undefined) return { fromMs: given.fromMs, toMs: given.toMs };
  const [row] = await store.query<{ rows: number | string; first_ms: number | string; last_ms: number | string }>(readSql('metrics/funnel_extent.sql'), {
    pipeline: options.definition.name,
    level: options.level,
    mode: options.mode,
  });
  const now = hourFloor(options.nowMs ?? Date.now());
  const has = row !== undefined && Number(row.rows) > 0;
  return {
    fromMs: given.fromMs ?? (has ? Number(row.first_ms) : now - 7 * 24 * HOUR_MS),
    toMs: given.toMs ?? (has ? Number(row.last_ms) + HOUR_MS : now + HOUR_MS),
  };
}

async function readFlow(store: Store, options: { pipeline: string; level: FunnelLevel; range: TimeRange; segment?: string | undefined }): Promise<MapFlow> {
  const params = { pipeline: options.pipeline, level: options.level, ...rangeParams(options.range), ...segmentParams(options.segment) };
  const [stages, touchpoints] = await Promise.all([
    store.query<{ from_stage: string; to_stage: string; journeys: number | string; skipped: number | string }>(readSql('metrics/flow_stages.sql'), params),
    options.level === 'session'
      ? store.query<{ from_touchpoint: string; to_touchpoint: string; sessions: number | string; steps: number | string }>(readSql('metrics/flow_touchpoints.sql'), {
          ...params,
          limit: FLOW_TOUCHPOINT_STEPS,
        })
      : Promise.resolve([]),
  ]);
  return {
    stages: stages.map((r) => ({ from: r.from_stage, to: r.to_stage, journeys: Number(r.journeys), skipped: Number(r.skipped) })),
    touchpoints: touchpoints.map((r) => ({ from: r.from_touchpoint, to: r.to_touchpoint, sessions: Number(r.sessions), steps: Number(r.steps) })),
  };
}

async function readDataUntil(store: Store, pipeline: string): Promise<string | null> {
  const [row] = await store.query<{ watermark_ms: number | string | null; streams: number | string }>(readSql('analysis/pipeline_watermark.sql'), { pipeline });
  return row && Number(row.streams) > 0 && row.watermark_ms !== null ? iso(Number(row.watermark_ms)) : null;
}

function countsOf(stages: readonly FunnelStage[]): Map<number, StepCounts> {
  return new Map(stages.map((s, i) => [i + 1, { entered: s.entered, skipped: s.skipped, advanced: s.advanced ?? 0 }]));
}

function readAbandonment(store: Store, options: JourneyMapOptions, range: TimeRange, segment: string | undefined): Promise<AbandonmentRuleTotals[]> {
  // `any` rows count distinct stages, not named ones: no rule is counted in that mode.
  if (options.mode === 'any' || options.definition.abandonment.length === 0) return Promise.resolve([]);
  return abandonmentTotals(store, { pipeline: options.definition.name, rules: options.definition.abandonment, level: options.level, mode: options.mode, range, segment });
}

/** The rule totals of each of `segments` (the personas) in one read; none in mode `any` or without rules, as readAbandonment. */
function readAbandonmentBySegment(store: Store, options: JourneyMapOptions, range: TimeRange, segments: readonly string[]): Promise<Map<string, AbandonmentRuleTotals[]>> {
  if (options.mode === 'any' || options.definition.abandonment.length === 0) return Promise.resolve(new Map());
  return abandonmentTotalsBySegment(store, { pipeline: options.definition.name, rules: options.definition.abandonment, level: options.level, mode: options.mode, range }, segments);
}

async function readComparison(store: Store, options: JourneyMapOptions, period: { fromMs: number; toMs: number }, current: readonly FunnelStage[]): Promise<MapComparison | null> {
  const stageNames = options.definition.stages.map((s) => s.name);
  const pipeline = options.definition.name;
  const periodText: MapPeriod = { from: iso(period.fromMs), to: iso(period.toMs) };
  if (options.variant) {
    const funnels = await readVariantFunnels(store, {
      pipeline,
      level: options.level,
      mode: options.mode,
      ...period,
      path: options.variant.path,
      segment: options.segment,
      maxDurationMs: options.definition.sessions.maxDuration,
      windowMs: options.definition.funnel.journeyWindow,
      useSourceSessionId: options.definition.sessions.useSourceSessionId,
    });
    const ranked = [...funnels.journeys.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([value]) => value);
    const [first, second] = options.variant.values ?? ([...ranked.slice(0, 2)].sort() as [string | undefined, string | undefined]);
    const side = (value: string | undefined) => ({ label: value ?? '(none)', period: periodText, variant: value ?? null, journeys: value === undefined ? 0 : (funnels.journeys.get(value) ?? 0) });
    return {
      kind: 'variant',
      a: side(first),
      b: side(second),
      min_sample: MIN_SAMPLE,
      alpha: COMPARISON_ALPHA,
      stages: compareStages(stageNames, funnels.counts.get(first ?? '') ?? new Map(), funnels.counts.get(second ?? '') ?? new Map()),
    };
  }
  const choice = options.compare;
  if (!choice || choice.kind === 'none') return null;
  const lengthMs = choice.kind === 'previous' ? period.toMs - period.fromMs : choice.durationMs;
  const before = { fromMs: hourFloor(period.fromMs - lengthMs), toMs: period.fromMs };
  // The comparison tests counts only: no time quantile is read for the other period.
  const baseline = await readFunnel(store, { pipeline, stageNames, level: options.level, mode: options.mode, range: before, segment: options.segment, times: false });
  return {
    kind: choice.kind,
    a: { label: 'this period', period: periodText, variant: null, journeys: current[0]?.entered ?? 0 },
    b: { label: 'the period before', period: { from: iso(before.fromMs), to: iso(before.toMs) }, variant: null, journeys: baseline.stages[0]?.entered ?? 0 },
    min_sample: MIN_SAMPLE,
    alpha: COMPARISON_ALPHA,
    stages: compareStages(stageNames, countsOf(current), countsOf(baseline.stages)),
  };
}

export async function readJourneyMap(store: Store, options: JourneyMapOptions): Promise<JourneyMap> {
  const { definition, level, mode, segment } = options;
  const pipeline = definition.name;
  const stageNames = definition.stages.map((s) => s.name);
  const period = await periodOf(store, options);
  const range: TimeRange = period;
  const personas = segment === undefined;
  // Every read starts at once; those that need the funnel (the personas shown, the comparison's current side) wait for it alone.
  const funnelRead = readFunnel(store, { pipeline, stageNames, level, mode, range, segment, by: personas ? 'segment' : undefined });
  const groupsRead = funnelRead.then((f) => (personas ? f.groups.filter((g) => g.stages[0]!.entered > 0).slice(0, MAX_PERSONAS) : []));
  const [funnel, { overall: activity, bySegment: byValue }, abandonment, flow, dataUntil, bottlenecks, groups, rulesBySegment, comparison] = await Promise.all([
    funnelRead,
    readStageActivity(store, { pipeline, level, mode, range, segment, bySegment: personas }),
    readAbandonment(store, options, range, segment),
    readFlow(store, { pipeline, level, range, segment }),
    readDataUntil(store, pipeline),
    analyzeBottlenecks(store, { pipeline, level, mode, stageNames, dimensions: driverDimensions(definition), ...period, baseline: { kind: 'previous' }, segment }),
    groupsRead,
    groupsRead.then((g) => (g.length > 0 ? readAbandonmentBySegment(store, options, range, g.map((group) => group.value)) : new Map<string, AbandonmentRuleTotals[]>())),
    funnelRead.then((f) => readComparison(store, options, period, f.stages)),
  ]);
  const stages = stageColumns({ stages: definition.stages, funnel: funnel.stages, activity, value: '', abandonment });
  const personaMaps: MapPersona[] = groups.map((group) => ({
    dimension: 'segment',
    value: group.value,
    journeys: group.stages[0]!.entered,
    stages: stageColumns({ stages: definition.stages, funnel: group.stages, activity: byValue, value: group.value, abandonment: rulesBySegment.get(group.value) ?? [] }),
  }));
  return {
    format: JOURNEY_MAP_FORMAT,
    pipeline,
    description: definition.description ?? '',
    level,
    mode,
    unit: level === 'person' ? 'journeys' : 'sessions',
    journey_window_ms: level === 'person' ? definition.funnel.journeyWindow : null,
    period: { from: iso(period.fromMs), to: iso(period.toMs) },
    segment: segment ?? null,
    generated_at: iso(options.nowMs ?? Date.now()),
    data_until: dataUntil,
    stages,
    conversion_stage: definition.funnel.conversionStage ?? null,
    abandonment,
    opportunities: bottlenecks.bottlenecks.map((b) => ({
      rank: b.rank,
      from_stage: b.from_stage,
      to_stage: b.to_stage,
      bottleneck: b.bottleneck,
      conversion: b.conversion,
      baseline_conversion: b.baseline_conversion,
      lost: b.lost,
      p_value: b.p_value,
      significant: b.significant,
      sentence: b.sentence,
    })),
    flow,
    personas: personaMaps,
    comparison,
    notes: notesOf(stages, stageActivity(activity, '', 0), level),
  };
}

/** What the map cannot show, in plain words. */
function notesOf(stages: JourneyMap['stages'], unattributed: ReturnType<typeof stageActivity>, level: FunnelLevel): string[] {
  const notes: string[] = [];
  const answers = (unattributed.emotions.nps?.answers ?? 0) + (unattributed.emotions.csat?.answers ?? 0);
  if (answers > 0) {
    notes.push(
      `${answers.toLocaleString('en-US')} survey answer${answers === 1 ? '' : 's'} belong${answers === 1 ? 's' : ''} to no stage` +
        (level === 'session' ? ' (at level session an answer outside every visitor\'s session is a CRM session of its own: give it a stage property, or see the map per person)' : ' (answered before the journey reached its first stage)'),
    );
  }
  if (stages.some((s) => s.funnel.entered - s.funnel.skipped > 0 && s.time_in_stage.median_ms === null)) {
    notes.push('Time in stage is missing for rollups built before this version: `journeys migrate --pipeline <name>` rebuilds them.');
  }
  return notes;
}
