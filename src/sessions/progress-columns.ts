/**
 * What sessions and journeys store of their progress: the funnel in every
 * mode, and every abandonment rule's outcome read off that same progress, so
 * that a stage's `entered` in the funnel and a rule's `started` are one number.
 */
import { FUNNEL_MODES, type FunnelMode } from '../journey/definition-schema.js';
import { funnelProgress, type StagedPoint, type StageRules } from './funnel-progress.js';

export type AbandonmentOutcome = 'not_started' | 'pending' | 'completed' | 'abandoned';

export interface AbandonmentRuleIndexes {
  name: string;
  /** 1-based stage indexes. */
  fromIndex: number;
  toIndex: number;
  withinMs: number;
}

export interface ProgressContext {
  stageNames: readonly string[];
  /** 1-based index of the stage that counts as converted. */
  conversionStageIndex: number;
  /** Optional stages and per-step windows; windowMs is the journey window (Infinity for a session). */
  rules: StageRules;
  abandonment: readonly AbandonmentRuleIndexes[];
  /** Current watermark: an outcome is known once it passes the rule's deadline. */
  watermarkMs: number;
}

export interface ProgressColumns {
  /** Parallel arrays, one entry per mode in FUNNEL_MODES order. */
  funnel_modes: FunnelMode[];
  funnel_levels: number[];
  funnel_skipped: number[];
  funnel_excluded: Array<0 | 1>;
  funnel_reached: number[][];
  funnel_step_ms: number[][];
  /** The progress moves: each stage that took the furthest stage reached further, in order. */
  progress_path: string[];
  /** The furthest stage reached (`reached` mode); '' for none. */
  furthest_stage: string;
  /** Reached the conversion stage (or a later one) in `reached` mode. */
  converted: 0 | 1;
  /** Parallel arrays, one entry per (mode, rule), modes in FUNNEL_MODES order. */
  abandonment_modes: FunnelMode[];
  abandonment_rules: string[];
  abandonment_outcomes: AbandonmentOutcome[];
  /** When the journey entered the rule's `from` stage (0 when not started). */
  abandonment_started: number[];
}

/**
 * A rule's outcome in one mode: started when the journey entered `from`;
 * completed when it entered `to` within `within` of that; abandoned when it
 * did not and the journey has ended or the deadline has passed; else pending.
 * An excluded journey starts no rule in that mode.
 */
function outcomeOf(
  progress: { level: number; reachedAtMs: readonly number[]; excluded: boolean },
  rule: AbandonmentRuleIndexes,
  ended: boolean,
  watermarkMs: number,
): { outcome: AbandonmentOutcome; startedMs: number } {
  if (progress.excluded || progress.level < rule.fromIndex) return { outcome: 'not_started', startedMs: 0 };
  const startedMs = progress.reachedAtMs[rule.fromIndex - 1]!;
  const deadline = startedMs + rule.withinMs;
  if (progress.level >= rule.toIndex && progress.reachedAtMs[rule.toIndex - 1]! <= deadline) return { outcome: 'completed', startedMs };
  return { outcome: ended || watermarkMs > deadline ? 'abandoned' : 'pending', startedMs };
}

/** Progress columns of one session or journey from its points sorted by `compareStaged`. */
export function progressColumns(points: readonly StagedPoint[], ended: boolean, ctx: ProgressContext): ProgressColumns {
  const columns = emptyProgressColumns();
  for (const mode of FUNNEL_MODES) {
    const progress = funnelProgress(points, ctx.rules, mode);
    columns.funnel_modes.push(mode);
    columns.funnel_levels.push(progress.level);
    columns.funnel_skipped.push(progress.skippedMask);
    columns.funnel_excluded.push(progress.excluded ? 1 : 0);
    columns.funnel_reached.push(progress.reachedAtMs);
    columns.funnel_step_ms.push(progress.stepMs);
    if (mode === 'reached') {
      // The moves of this same progress: a stage it does not count (after the conversion stage, without a conversion) makes none.
      let furthest = 0;
      for (const point of points) {
        if (point.stageIndex <= furthest || point.stageIndex > progress.level) continue;
        furthest = point.stageIndex;
        columns.progress_path.push(ctx.stageNames[furthest - 1]!);
      }
      columns.furthest_stage = progress.level > 0 ? ctx.stageNames[progress.level - 1]! : '';
      columns.converted = !progress.excluded && progress.level >= ctx.conversionStageIndex ? 1 : 0;
    }
    for (const rule of ctx.abandonment) {
      // `any` rows count distinct stages, not named ones: no rule starts there.
      const { outcome, startedMs } =
        mode === 'any' ? { outcome: 'not_started' as const, startedMs: 0 } : outcomeOf(progress, rule, ended, ctx.watermarkMs);
      columns.abandonment_modes.push(mode);
      columns.abandonment_rules.push(rule.name);
      columns.abandonment_outcomes.push(outcome);
      columns.abandonment_started.push(startedMs);
    }
  }
  return columns;
}

/** The columns of a row that retires an id (a tombstone): nothing reached. */
export function emptyProgressColumns(): ProgressColumns {
  return {
    funnel_modes: [],
    funnel_levels: [],
    funnel_skipped: [],
    funnel_excluded: [],
    funnel_reached: [],
    funnel_step_ms: [],
    progress_path: [],
    furthest_stage: '',
    converted: 0,
    abandonment_modes: [],
    abandonment_rules: [],
    abandonment_outcomes: [],
    abandonment_started: [],
  };
}
