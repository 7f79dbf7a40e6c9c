import type { EventScheduler } from './event-scheduler.js';
import type { GeneratorOptions } from './options.js';
import type { Prng } from './prng.js';

/** What every scenario is set up with: parsed options, the run's PRNG and its scheduler. */
export interface ScenarioContext {
  options: GeneratorOptions;
  rng: Prng;
  scheduler: EventScheduler;
}

/** Schedules `onArrival` for each arrival of a lazy arrival process, one at a time (O(1) pending). */
export function scheduleArrivals(
  ctx: ScenarioContext,
  nextArrivalMs: (afterMs: number) => number,
  onArrival: (atMs: number) => void,
): void {
  const { scheduler } = ctx;
  const scheduleAfter = (afterMs: number): void => {
    const atMs = nextArrivalMs(afterMs);
    if (atMs >= scheduler.endMs) return;
    scheduler.at(atMs, () => {
      onArrival(atMs);
      scheduleAfter(atMs);
    });
  };
  scheduleAfter(scheduler.startMs);
}
