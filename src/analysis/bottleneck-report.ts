import { hourFloor } from '../metrics/time-range.js';
import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import { bottleneckDrivers, type Driver } from './bottleneck-drivers.js';
import { isBottleneck, rankTransitions, transitionFigures, type TransitionFigures } from './bottleneck-figures.js';
import { bottleneckSentence } from './bottleneck-sentence.js';
import { levelTable, readStageBreakdown, type DriverDimension, type FunnelView } from './stage-breakdown.js';

const HOUR_MS = 3_600_000;

/** The comparison period: the one just before, of equal length, or a given length just before. */
export type BaselineChoice = { kind: 'none' } | { kind: 'previous' } | { kind: 'duration'; durationMs: number };

export interface Period {
  fromMs: number;
  toMs: number;
}

/** A ranked transition with its explanation, as `journeys bottlenecks --json` prints it. */
export interface Bottleneck extends TransitionFigures {
  rank: number;
  /** Whether this transition is a bottleneck (significant drop, or losing sessions without a baseline). */
  bottleneck: boolean;
  drivers: Driver[];
  sentence: string;
}

export interface BottleneckReport {
  pipeline: string;
  /** The funnel counted: the pipeline's default level and mode unless asked otherwise. */
  level: FunnelView['level'];
  mode: FunnelView['mode'];
  period: Period;
  /** Null without a baseline, or when the baseline period holds no sessions. */
  baseline: Period | null;
  bottlenecks: Bottleneck[];
}

export interface BottleneckOptions extends Partial<FunnelView> {
  /** level and mode: pass the pipeline's funnel.level / funnel.mode (CLI: --level, --mode); default session / reached. */
  pipeline: string;
  stageNames: readonly string[];
  dimensions: readonly DriverDimension[];
  /** Defaults: from the hour of the first session start to the hour after the last. */
  fromMs?: number | undefined;
  toMs?: number | undefined;
  baseline: BaselineChoice;
  /** Explain this many top bottlenecks with drivers (default 3). */
  explain?: number;
  minSupport?: number;
  alpha?: number;
  /** Only the journeys of this segment. */
  segment?: string | undefined;
}

async function defaultPeriod(store: Store, pipeline: string, level: FunnelView['level']): Promise<Period | undefined> {
  const [row] = await store.query<{ sessions: number | string; first_ms: number | string; last_ms: number | string }>(
    readSql('analysis/session_extent.sql'),
    { pipeline, table: levelTable(level) },
  );
  if (!row || Number(row.sessions) === 0) return undefined;
  return { fromMs: Math.floor(Number(row.first_ms) / HOUR_MS) * HOUR_MS, toMs: Math.floor(Number(row.last_ms) / HOUR_MS) * HOUR_MS + HOUR_MS };
}

/**
 * Finds the bottleneck stages of a period: figures for every transition,
 * ranked (see rankTransitions), the top `explain` bottlenecks explained by
 * their driving dimension values, one sentence each. Journeys (sessions at
 * level session) count in the period they started in, in the given mode and
 * level, exactly as `journeys funnel` counts them; conversions are on the
 * journeys that were at the stage (entered − skipped).
 */
export async function analyzeBottlenecks(store: Store, options: BottleneckOptions): Promise<BottleneckReport> {
  const extent = options.fromMs === undefined || options.toMs === undefined ? await defaultPeriod(store, options.pipeline, options.level ?? 'session') : undefined;
  // Rounded down to the hour as every report rounds a range (hourFloor): the same journeys as `journeys funnel`.
  const period: Period = {
    fromMs: hourFloor(options.fromMs ?? extent?.fromMs ?? 0),
    toMs: hourFloor(options.toMs ?? extent?.toMs ?? 0),
  };
  const view: FunnelView = { level: options.level ?? 'session', mode: options.mode ?? 'reached' };
  const current = await readStageBreakdown(store, { pipeline: options.pipeline, ...view, ...period, segment: options.segment });
  let baselinePeriod: Period | null = null;
  if (options.baseline.kind !== 'none') {
    const lengthMs = options.baseline.kind === 'previous' ? period.toMs - period.fromMs : options.baseline.durationMs;
    baselinePeriod = { fromMs: period.fromMs - lengthMs, toMs: period.fromMs };
  }
  const baselineData = baselinePeriod ? await readStageBreakdown(store, { pipeline: options.pipeline, ...view, ...baselinePeriod, segment: options.segment }) : undefined;
  const hasBaseline = baselineData !== undefined && baselineData.overall.size > 0;
  const baseline = hasBaseline ? baselineData : undefined;
  const ranked = rankTransitions(transitionFigures({ stageNames: options.stageNames, current, baseline, alpha: options.alpha }), hasBaseline);
  const explain = options.explain ?? 3;
  const unit = view.level === 'person' ? 'journeys' : 'sessions';
  const bottlenecks = ranked.map((t, i): Bottleneck => {
    const bottleneck = isBottleneck(t, hasBaseline);
    const explained = bottleneck && i < explain;
    const drivers = explained
      ? bottleneckDrivers({ stageIndex: t.stage_index, current, baseline, dimensions: options.dimensions, minSupport: options.minSupport })
      : [];
    return { rank: i + 1, ...t, bottleneck, drivers, sentence: bottleneckSentence(t, explained ? drivers : undefined, { hasBaseline, unit }) };
  });
  return { pipeline: options.pipeline, ...view, period, baseline: hasBaseline ? baselinePeriod : null, bottlenecks };
}
