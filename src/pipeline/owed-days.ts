import { DAY_MS } from './rollup-refresh.js';

/** How long after its start a session and a person's journey stay open: the pipeline's maxDuration and journey window. */
export interface OpenSpans {
  maxDurationMs: number;
  journeyWindowMs: number;
}

/**
 * Owed days (ms of their midnight) up to this one are settled at this
 * watermark: nothing still open can change their rollups. A day's rollups count the sessions and the
 * person's journeys that start on it (a session also counts on the days it
 * reaches); a session is closed once the watermark is maxDuration past its
 * start, and a journey ends (closed, its abandonment outcomes final, no more
 * events of its window to come) once the watermark is past start + window.
 * Everything starting on a day starts before its end, so the day is settled
 * once the watermark is the longer of the two past its end. Waiting out the
 * sessions alone is not enough: a journey of the day that is still open
 * changes with every later day's events, reports the day as changed again,
 * and the day is rebuilt at every refresh until the window has passed
 * (measured on the 200k-event benchmark: the first day rebuilt 3 times in a
 * week, docs/architecture.md). After that, only a late event or a new
 * identity link changes the day, and those owe it anew.
 */
export function lastSettledDay(watermarkMs: number, spans: OpenSpans): number {
  return watermarkMs - Math.max(spans.maxDurationMs, spans.journeyWindowMs) - DAY_MS;
}

/**
 * The days (UTC midnight, ms) whose rollups a stream owes: touched by
 * sessions written since their last rebuild, or handed over for a rebuild
 * that has not finished. Both count as owed in a checkpoint, so a crash
 * never leaves a rollup stale; a day touched again during its rebuild is
 * owed anew.
 */
export class OwedDays {
  private readonly touched = new Set<number>();
  private readonly rebuilding = new Set<number>();

  constructor(owed: readonly number[] = []) {
    for (const day of owed) this.touched.add(day);
  }

  touch(day: number): void {
    this.touched.add(day);
  }

  /** Every owed day, for a checkpoint. */
  get all(): number[] {
    return [...new Set([...this.touched, ...this.rebuilding])];
  }

  get none(): boolean {
    return this.touched.size === 0 && this.rebuilding.size === 0;
  }

  /** Hands over every owed day for a rebuild (still owed until `rebuilt`). */
  takeAll(): number[] {
    this.take([...this.touched]);
    return [...this.rebuilding];
  }

  /** Hands over the touched days up to `lastDay` for a rebuild. */
  takeUpTo(lastDay: number): number[] {
    return this.take([...this.touched].filter((day) => day <= lastDay));
  }

  rebuilt(days: readonly number[]): void {
    for (const day of days) this.rebuilding.delete(day);
  }

  private take(days: number[]): number[] {
    for (const day of days) {
      this.touched.delete(day);
      this.rebuilding.add(day);
    }
    return days;
  }
}
