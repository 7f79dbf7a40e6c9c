import type { Prng } from './prng.js';

/** Blocks a run's ids start in: a run would need 100,000,000 ids to reach the next block. */
const BLOCK_SIZE = 100_000_000;
const BLOCKS = 9_000;

/**
 * Ids that grow with gaps, like ids in a live database (`u_537200000021`,
 * `u_537200000046`, …), starting in a block drawn from the run's PRNG. Runs
 * with other seeds, such as the demo's two parts, start in other blocks
 * (1 pair in 9,000 shares one), so one userId never names two people of
 * different runs and stitching does not merge them.
 */
export class IdSequence {
  private last: number;

  constructor(
    private readonly rng: Prng,
    private readonly options: { prefix: string; maxGap: number },
  ) {
    this.last = (1_000 + rng.int(0, BLOCKS - 1)) * BLOCK_SIZE;
  }

  next(): string {
    this.last += this.rng.int(1, this.options.maxGap);
    return `${this.options.prefix}${this.last}`;
  }
}
