/**
 * A journey's progress through the stages, in each funnel mode. Pure and
 * exact; docs/semantics.md states every rule with a worked example, and
 * tests compare `ordered` with ClickHouse windowFunnel and `strict` with
 * windowFunnel(…)('strict_order') on random sequences.
 */
import type { FunnelMode } from '../journey/definition-schema.js';

export interface StagedPoint {
  timestampMs: number;
  /** 1-based stage index; 0 for an event that only matches an exclusion. */
  stageIndex: number;
  /** 1-based index of the stage whose `exclude` rules the event matches; 0 for none. */
  exclusionIndex?: number;
}

/** The per-stage options of a definition, indexed by stage − 1. */
export interface StageRules {
  stageCount: number;
  /** optional[k−1]: stage k may be passed without an event (ordered, strict). */
  optional: readonly boolean[];
  /** withinMs[k−1]: stage k counts only this long after the previous stage of the chain (Infinity: no limit). */
  withinMs: readonly number[];
  /** The conversion window from a chain's first stage (Infinity for a session: the session is the window). */
  windowMs: number;
  /**
   * 1-based conversion stage. In `reached` mode, events of the stages after
   * it (retention, advocacy, renewal) count only in a journey that has an
   * event of it: a review or an NPS answer alone is not a purchase.
   * Absent: every stage counts.
   */
  conversionIndex?: number;
}

export interface FunnelProgress {
  /** Furthest stage entered (0 = none). */
  level: number;
  /** reachedAtMs[k−1] = when stage k was entered; a skipped stage is entered when the journey passed it. */
  reachedAtMs: number[];
  /** Bit k−1 set: stage k was entered without an event of its own (skipped). */
  skippedMask: number;
  /**
   * stepMs[k−1] = ms from stage k to stage k+1, measured only where both
   * stages have their own events (−1 otherwise); length max(level − 1, 0).
   */
  stepMs: number[];
  /** An exclusion event lies between two entered stages: the journey counts in no stage of this mode. */
  excluded: boolean;
}

/** Sort order shared with windowFunnel: by time, then by stage index (same-timestamp events count in stage order). */
export function compareStaged(a: StagedPoint, b: StagedPoint): number {
  return a.timestampMs - b.timestampMs || a.stageIndex - b.stageIndex;
}

/** Rules of a definition without optional stages or per-step windows. */
export function plainRules(stageCount: number, windowMs: number): StageRules {
  return { stageCount, optional: new Array(stageCount).fill(false), withinMs: new Array(stageCount).fill(Infinity), windowMs };
}

/** Progress of points sorted by `compareStaged`, in one mode. */
export function funnelProgress(points: readonly StagedPoint[], rules: StageRules, mode: FunnelMode): FunnelProgress {
  const progress =
    mode === 'reached' ? reachedProgress(points, rules) : mode === 'any' ? anyOrderProgress(points, rules) : chainProgress(points, rules, mode === 'strict');
  progress.excluded = mode !== 'any' && isExcluded(points, progress.reachedAtMs);
  return progress;
}

/**
 * `reached` (milestones): a stage is reached by an event of it; progress is
 * the furthest stage reached, and every stage up to it is entered, those
 * without an event as skipped. Order does not matter, going back does not
 * move progress back. Stage k is entered when the first event of stage k or
 * beyond happened. Time k → k+1 runs from the first event of k to the first
 * event of k+1 at or after it. Stages after the conversion stage count only
 * in a journey with a conversion event (`conversionIndex`).
 */
function reachedProgress(points: readonly StagedPoint[], rules: StageRules): FunnelProgress {
  const gate = rules.conversionIndex ?? rules.stageCount;
  const converted = gate >= rules.stageCount || points.some((p) => p.stageIndex === gate);
  // Without a conversion event, the stages after the conversion stage are not looked at.
  const n = converted ? rules.stageCount : gate;
  const firstAt: number[] = new Array(n).fill(Infinity);
  const nextAfterFirst: number[] = new Array(n).fill(Infinity);
  let level = 0;
  for (const point of points) {
    const k = point.stageIndex;
    if (k < 1 || k > n) continue;
    if (firstAt[k - 1] === Infinity) firstAt[k - 1] = point.timestampMs;
    // Sorted by (time, stage): the first k event after k−1's first is the first one seen after it.
    if (k >= 2 && firstAt[k - 2] !== Infinity && nextAfterFirst[k - 2] === Infinity) nextAfterFirst[k - 2] = point.timestampMs;
    if (k > level) level = k;
  }
  const reachedAtMs: number[] = new Array(level);
  let skippedMask = 0;
  let earliest = Infinity;
  for (let k = level; k >= 1; k--) {
    earliest = Math.min(earliest, firstAt[k - 1]!);
    reachedAtMs[k - 1] = earliest;
    if (firstAt[k - 1] === Infinity) skippedMask |= 1 << (k - 1);
  }
  const stepMs: number[] = [];
  for (let k = 1; k < level; k++) {
    const timed = firstAt[k - 1] !== Infinity && nextAfterFirst[k - 1] !== Infinity;
    stepMs.push(timed ? nextAfterFirst[k - 1]! - firstAt[k - 1]! : -1);
  }
  return { level, reachedAtMs, skippedMask, stepMs, excluded: false };
}

/**
 * A chain standing at `stage` (0-based): its first event's time, its last
 * step's, the skipped stages, and the chain it extended (none: it started
 * here). Chains are never changed once made, so an extension shares its
 * parent instead of copying its times; only the furthest chain's times are
 * spelled out, once, at the end.
 */
interface Chain {
  startMs: number;
  lastMs: number;
  stage: number;
  skippedMask: number;
  parent: Chain | undefined;
}

/**
 * `ordered` = windowFunnel(window) default mode; `strict` = its
 * 'strict_order' mode over the staged events. A first-stage event starts (or
 * restarts) a chain; an event of stage k extends the latest chain that
 * reached stage k−1, if it lies within the window of that chain's start and
 * within stage k's `within` of its last step. An optional stage may be
 * passed: stage k then extends a chain at k−2 (or earlier, over several
 * optional stages), preferring the chain with fewest skips. Strict stops at
 * the first event, after a chain started, that has no chain to extend.
 * Times are those of the chain that reached the furthest stage first.
 */
function chainProgress(points: readonly StagedPoint[], rules: StageRules, strict: boolean): FunnelProgress {
  const n = rules.stageCount;
  const chains: Array<Chain | undefined> = new Array(n).fill(undefined);
  let best: Chain | undefined;
  let bestLevel = 0;
  let started = false;
  for (const point of points) {
    const s = point.stageIndex - 1;
    if (s < 0 || s >= n) continue;
    const t = point.timestampMs;
    let next: Chain | undefined;
    let candidates = false;
    // j = the stage (0-based) the chain stands at; −1 = not started, allowed while all stages before s are optional.
    for (let j = s - 1; j >= -1; j--) {
      if (j === -1) {
        candidates = true;
        next = extend(undefined, s, t);
        break;
      }
      const chain = chains[j];
      if (chain) {
        candidates = true;
        if (t <= chain.startMs + rules.windowMs && t - chain.lastMs <= rules.withinMs[s]!) {
          next = extend(chain, s, t);
          break;
        }
      }
      if (!rules.optional[j]) break;
    }
    if (strict && started && !candidates) break;
    if (!next) continue;
    // A chain exists from here on: with optional first stages it may start past stage 1.
    started = true;
    chains[s] = next;
    if (s + 1 > bestLevel) {
      bestLevel = s + 1;
      best = next;
    }
    if (s + 1 === n) break;
  }
  if (!best) return { level: 0, reachedAtMs: [], skippedMask: 0, stepMs: [], excluded: false };
  const times = timesOf(best);
  const stepMs: number[] = [];
  for (let k = 1; k < bestLevel; k++) {
    const bothReal = ((best.skippedMask >> (k - 1)) & 3) === 0;
    stepMs.push(bothReal ? times[k]! - times[k - 1]! : -1);
  }
  return { level: bestLevel, reachedAtMs: times, skippedMask: best.skippedMask, stepMs, excluded: false };
}

/** `parent` (standing at an earlier stage, or none) extended by an event of stage s at t: stages between are skipped at t. */
function extend(parent: Chain | undefined, s: number, t: number): Chain {
  let skippedMask = parent?.skippedMask ?? 0;
  for (let k = (parent?.stage ?? -1) + 1; k < s; k++) skippedMask |= 1 << k;
  return { startMs: parent?.startMs ?? t, lastMs: t, stage: s, skippedMask, parent };
}

/** When the chain entered each stage up to its own: a skipped stage when the step past it was made. */
function timesOf(chain: Chain): number[] {
  const times: number[] = new Array(chain.stage + 1);
  for (let node: Chain | undefined = chain; node; node = node.parent) {
    for (let k = (node.parent?.stage ?? -1) + 1; k <= node.stage; k++) times[k] = node.lastMs;
  }
  return times;
}

/**
 * `any` (PostHog's "any order"): row k counts journeys that did at least k
 * of the stages, in any order, within one window; "stage" k here means "the
 * k-th distinct stage done". The window with the most distinct stages wins
 * (the earliest of equals); time k → k+1 is between the k-th and (k+1)-th.
 */
function anyOrderProgress(points: readonly StagedPoint[], rules: StageRules): FunnelProgress {
  const n = rules.stageCount;
  const staged = points.filter((p) => p.stageIndex >= 1 && p.stageIndex <= n);
  const counts: number[] = new Array(n).fill(0);
  let distinct = 0;
  let bestDistinct = 0;
  let bestStart = 0;
  let end = 0;
  for (let start = 0; start < staged.length; start++) {
    while (end < staged.length && staged[end]!.timestampMs <= staged[start]!.timestampMs + rules.windowMs) {
      if (counts[staged[end]!.stageIndex - 1]!++ === 0) distinct++;
      end++;
    }
    if (distinct > bestDistinct) {
      bestDistinct = distinct;
      bestStart = start;
    }
    if (--counts[staged[start]!.stageIndex - 1]! === 0) distinct--;
  }
  const seen = new Set<number>();
  const reachedAtMs: number[] = [];
  for (let i = bestStart; i < staged.length && reachedAtMs.length < bestDistinct; i++) {
    const point = staged[i]!;
    if (point.timestampMs > staged[bestStart]!.timestampMs + rules.windowMs) break;
    if (seen.has(point.stageIndex)) continue;
    seen.add(point.stageIndex);
    reachedAtMs.push(point.timestampMs);
  }
  const stepMs = reachedAtMs.slice(1).map((t, i) => t - reachedAtMs[i]!);
  return { level: reachedAtMs.length, reachedAtMs, skippedMask: 0, stepMs, excluded: false };
}

/** PostHog's exclusion steps: an event excluding stage k strictly between entering k−1 and entering k. */
function isExcluded(points: readonly StagedPoint[], reachedAtMs: readonly number[]): boolean {
  for (const point of points) {
    const k = point.exclusionIndex ?? 0;
    if (k < 2 || k > reachedAtMs.length) continue;
    if (point.timestampMs > reachedAtMs[k - 2]! && point.timestampMs < reachedAtMs[k - 1]!) return true;
  }
  return false;
}

/**
 * Cuts a person's points (sorted) into journeys: a journey starts at a
 * staged event and holds every point up to `windowMs` after it; the next
 * staged event after that starts the next journey. Exclusion-only events
 * never start one. Returns [start, end) index ranges.
 */
export function splitJourneys(points: readonly StagedPoint[], windowMs: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let i = 0;
  while (i < points.length) {
    while (i < points.length && points[i]!.stageIndex === 0) i++;
    if (i === points.length) break;
    const startMs = points[i]!.timestampMs;
    let j = i;
    while (j < points.length && points[j]!.timestampMs <= startMs + windowMs) j++;
    ranges.push([i, j]);
    i = j;
  }
  return ranges;
}
