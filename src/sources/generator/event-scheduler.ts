import { MinQueue } from '../../core/min-queue.js';
import type { Prng } from './prng.js';
import { HOUR_MS } from './time-format.js';

/** One output record and what it is. */
export interface GeneratedLine {
  line: string;
  kind: 'valid' | 'duplicate' | 'malformed';
}

/** Turns a valid line into a malformed variant (called for ≈ malformedShare of lines). */
export type Malformer = (validLine: string, rng: Prng) => string;

export interface DeliveryShares {
  outOfOrderShare: number;
  veryLateShare: number;
  duplicateShare: number;
  malformedShare: number;
}

interface Entry {
  atMs: number;
  line: string;
  kind: GeneratedLine['kind'];
  task: (() => void) | undefined;
}

/**
 * A discrete-event simulation whose clock is the arrival time. Simulation
 * tasks (a visitor arrives, a deal moves) and output lines share one min-heap
 * keyed by time: a task only creates records arriving at or after its own
 * time, so lines leave the heap in arrival order, and the heap holds only
 * what is pending (active visitors, late and future records), never the run.
 */
export class EventScheduler {
  readonly startMs: number;
  /** Records whose event time is at or after this are not produced (the extract's end). */
  readonly endMs: number;
  private readonly heap = new MinQueue<Entry>();
  private readonly rng: Prng;
  private readonly shares: DeliveryShares;
  private readonly malformer: Malformer;
  /** Per valid record: probability of also emitting a malformed line, so that they are ≈ malformedShare of all lines. */
  private readonly malformedPerValid: number;
  /** The simulation clock: the key of the entry being processed. */
  private nowMs = -Infinity;

  constructor(options: { rng: Prng; startMs: number; endMs: number; shares: DeliveryShares; malformer: Malformer }) {
    this.rng = options.rng;
    this.startMs = options.startMs;
    this.endMs = options.endMs;
    this.shares = options.shares;
    this.malformer = options.malformer;
    const { malformedShare, duplicateShare } = options.shares;
    this.malformedPerValid = malformedShare >= 1 ? 1 : (malformedShare * (1 + duplicateShare)) / (1 - malformedShare);
  }

  /** Whether a record with this event time belongs to the simulated period. */
  inWindow(eventMs: number): boolean {
    return eventMs >= this.startMs && eventMs < this.endMs;
  }

  /** Runs `task` when the simulation clock reaches `atMs`. */
  at(atMs: number, task: () => void): void {
    this.assertNotPast(atMs);
    this.heap.push(atMs, { atMs, line: '', kind: 'valid', task });
  }

  /**
   * Extra delivery delay for one record: usually 0; outOfOrderShare of
   * records 1 s–5 min; veryLateShare 2–6 h. The caller adds it to its send
   * and receive times (a device that was offline sends late).
   */
  latenessMs(): number {
    const r = this.rng.float();
    if (r < this.shares.veryLateShare) return this.rng.int(2 * HOUR_MS, 6 * HOUR_MS);
    if (r < this.shares.veryLateShare + this.shares.outOfOrderShare) return this.rng.int(1_000, 300_000);
    return 0;
  }

  /**
   * Queues a valid record arriving at `arrivalMs`; may queue its duplicate a
   * little later and a malformed record next to it.
   */
  emit(arrivalMs: number, line: string): void {
    this.assertNotPast(arrivalMs);
    this.heap.push(arrivalMs, { atMs: arrivalMs, line, kind: 'valid', task: undefined });
    const r = this.rng.float();
    if (r < this.shares.duplicateShare) {
      // Retries after a lost acknowledgement: the same bytes again, shortly after.
      const retryMs = arrivalMs + this.rng.int(500, 120_000);
      this.heap.push(retryMs, { atMs: retryMs, line, kind: 'duplicate', task: undefined });
    } else if (r < this.shares.duplicateShare + this.malformedPerValid) {
      this.heap.push(arrivalMs, { atMs: arrivalMs, line: this.malformer(line, this.rng), kind: 'malformed', task: undefined });
    }
  }

  /** Arrival order holds only if nothing is queued before the entry being processed: a scenario bug otherwise. */
  private assertNotPast(ms: number): void {
    if (ms < this.nowMs) throw new Error(`EventScheduler: ${ms} is before the simulation clock ${this.nowMs}`);
  }

  /** Queues a line that is not derived from a record (e.g. a CSV header) at `arrivalMs`. */
  emitRaw(arrivalMs: number, generated: GeneratedLine): void {
    this.heap.push(arrivalMs, { atMs: arrivalMs, line: generated.line, kind: generated.kind, task: undefined });
  }

  /** Runs the simulation, yielding lines in arrival order until nothing is pending. */
  *drain(): Generator<GeneratedLine> {
    for (let entry = this.heap.pop(); entry !== undefined; entry = this.heap.pop()) {
      this.nowMs = entry.atMs;
      if (entry.task) entry.task();
      else yield { line: entry.line, kind: entry.kind };
    }
  }
}
