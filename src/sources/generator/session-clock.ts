import type { Prng } from './prng.js';
import { MINUTE_MS } from './time-format.js';

/** The event clock of one session: think times between clicks, short delays on a page. */
export class SessionClock {
  /** The time of the last event, in ms since the epoch. */
  t = 0;

  constructor(private readonly rng: Prng) {}

  /** Moves to the next click: 5 s–4 min later (log-uniform), now and then after a 10–25 min pause. */
  think(): number {
    this.t += Math.round(this.rng.logUniform(5_000, 240_000));
    if (this.rng.chance(0.04)) this.t += this.rng.int(10 * MINUTE_MS, 25 * MINUTE_MS);
    return this.t;
  }

  /** A call fired on the current page shortly after the previous one (0.15–4 s). */
  soon(): number {
    this.t += this.rng.int(150, 4_000);
    return this.t;
  }
}
