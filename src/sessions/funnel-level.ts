/**
 * Funnel levels of one ordered sequence of staged events. Pure and exact:
 * `orderedFunnel` reproduces ClickHouse's windowFunnel in its default mode
 * (tests compare the two on random sequences), so a session's level here is
 * the level analysts get from windowFunnel over the same events.
 */
export interface StagedPoint {
  timestampMs: number;
  /** 1-based stage index; events without a stage are not passed in. */
  stageIndex: number;
}

export interface FunnelLevel {
  /** Highest stage reached (0 = none). */
  level: number;
  /**
   * reachedAtMs[k-1] = when level k was first reached; its length equals `level`.
   * Time in stage k is reachedAtMs[k] − reachedAtMs[k-1].
   */
  reachedAtMs: number[];
}

/**
 * Sort order shared with windowFunnel: by time, then by stage index (ClickHouse
 * sorts its (timestamp, condition) pairs), so same-timestamp events count in
 * stage order whatever order they arrived in.
 */
export function compareStaged(a: StagedPoint, b: StagedPoint): number {
  return a.timestampMs - b.timestampMs || a.stageIndex - b.stageIndex;
}

/**
 * windowFunnel(window) default mode over points sorted by `compareStaged`:
 * a stage-1 event (re)starts a chain; a stage-k event extends it when stage
 * k−1 is set and the event lies within `windowMs` of that chain's start.
 */
export function orderedFunnel(points: readonly StagedPoint[], stageCount: number, windowMs: number): FunnelLevel {
  const chainStart: Array<number | undefined> = new Array(stageCount).fill(undefined);
  const reachedAtMs: number[] = [];
  for (const point of points) {
    const k = point.stageIndex - 1;
    if (k < 0 || k >= stageCount) continue;
    if (k === 0) {
      chainStart[0] = point.timestampMs;
    } else {
      const start = chainStart[k - 1];
      if (start === undefined || point.timestampMs > start + windowMs) continue;
      chainStart[k] = start;
    }
    if (reachedAtMs.length === k) reachedAtMs.push(point.timestampMs);
    if (k + 1 === stageCount) break;
  }
  let level = 0;
  for (let k = stageCount; k > 0; k--) {
    if (chainStart[k - 1] !== undefined) {
      level = k;
      break;
    }
  }
  return { level, reachedAtMs: reachedAtMs.slice(0, level) };
}

/**
 * `furthest` mode: the level is the furthest stage reached in any order;
 * stage k counts as reached at the first event of stage k or beyond.
 */
export function furthestFunnel(points: readonly StagedPoint[], stageCount: number): FunnelLevel {
  const firstAt: number[] = new Array(stageCount).fill(Infinity);
  let level = 0;
  for (const point of points) {
    const k = point.stageIndex;
    if (k < 1 || k > stageCount) continue;
    if (point.timestampMs < firstAt[k - 1]!) firstAt[k - 1] = point.timestampMs;
    if (k > level) level = k;
  }
  const reachedAtMs: number[] = new Array(level);
  let earliest = Infinity;
  for (let k = level; k >= 1; k--) {
    earliest = Math.min(earliest, firstAt[k - 1]!);
    reachedAtMs[k - 1] = earliest;
  }
  return { level, reachedAtMs };
}
