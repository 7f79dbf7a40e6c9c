import type { Store } from '../stores/store.js';
import type { RowBatcher } from './row-batcher.js';
import { copiesStoredBefore, readStoredCopies, type WrittenCopy } from './stored-copies.js';

/**
 * Accepted events are checked against the store in windows of this many:
 * one query per window (measured on a 1M-event store: ~8 ms for 1,000 ids,
 * ~34 ms for 10,000), run between two inserts while the next window is decoded.
 */
export const EVENTS_PER_COPY_CHECK = 10_000;

/**
 * "An id already stored counts once", for events that arrive on time too
 * (late ones are checked when late events are resolved).
 *
 * - The ids of accepted events not yet in the store (rows still pending or
 *   being inserted) are kept, and so are unresolved late events (by the
 *   processor): a second copy of one of them is a duplicate before it is
 *   sessionized. An id is let go once the insert that carries it has
 *   completed (`release`, at every batch).
 * - At the end of each window, one query finds the window's accepted events
 *   whose id the store holds at another time. Such a copy was stored before
 *   this one arrived (had it not been, its id would still be kept), so the
 *   one just accepted is the duplicate: the caller takes it back out of the
 *   store and repairs its key.
 *
 * Checks queue behind the inserts in flight, so a window does not wait for
 * the one before it (that stalled decoding behind every insert and cost a
 * fifth of the end-to-end rate); up to MAX_CHECKS_IN_FLIGHT wait at once.
 * Memory is bounded by the rows in flight and those windows. Duplicates and
 * late events never enter the map.
 */
const MAX_CHECKS_IN_FLIGHT = 16;

interface InFlightCheck {
  done: Promise<WrittenCopy[]>;
  outcome: { losers: WrittenCopy[] } | { error: unknown } | undefined;
}

export class CopyCheck {
  /** Ids accepted but not yet known to be in the store. */
  private readonly unwritten = new Set<string>();
  /**
   * The same ids by the ship of the row writer that carries them, oldest
   * first. Released a group at a time: iterating a Map from its front after
   * deletions skips every deleted slot, and that made each release linear.
   */
  private readonly byShip: Array<{ ship: number; eventIds: string[] }> = [];
  private written: WrittenCopy[] = [];
  /** Checks started and not yet collected, oldest first. */
  private readonly inFlight: InFlightCheck[] = [];

  constructor(
    private readonly options: {
      store: Store;
      pipeline: string;
      rows: RowBatcher;
      /** Ids held elsewhere until they are written (the processor's unresolved late events). */
      held: (eventId: string) => boolean;
    },
  ) {}

  /** Whether a copy of this id is accepted but not yet in the store. */
  has(eventId: string): boolean {
    return this.unwritten.has(eventId) || this.options.held(eventId);
  }

  /** Notes events that were accepted (their rows just queued for writing). */
  note(events: ReadonlyArray<{ key: string; eventId: string; timestampMs: number }>): void {
    for (const event of events) this.written.push({ key: event.key, eventId: event.eventId, timestampMs: event.timestampMs });
    this.hold(events.map((event) => event.eventId));
  }

  /** Marks ids as queued for writing now (late events written when they were resolved). */
  queued(eventIds: string[]): void {
    this.hold(eventIds);
  }

  /** Holds ids until the ship that carries their rows (the next one) is written. */
  private hold(eventIds: string[]): void {
    if (eventIds.length === 0) return;
    for (const eventId of eventIds) this.unwritten.add(eventId);
    const ship = this.options.rows.nextShip;
    const last = this.byShip[this.byShip.length - 1];
    if (last && last.ship === ship) last.eventIds.push(...eventIds);
    else this.byShip.push({ ship, eventIds });
  }

  get windowFull(): boolean {
    return this.written.length >= EVENTS_PER_COPY_CHECK;
  }

  /**
   * Ends the current window: starts its check after the inserts queued so
   * far (pending rows keep filling the next insert), and returns the copies
   * that lost in the checks finished by now (waiting only when too many are
   * in flight).
   */
  async rotate(): Promise<WrittenCopy[]> {
    this.start();
    if (this.inFlight.length > MAX_CHECKS_IN_FLIGHT) await this.inFlight[0]!.done.catch(() => undefined);
    return this.collect();
  }

  /** Checks everything noted so far and returns every copy that lost. */
  async settle(): Promise<WrittenCopy[]> {
    this.start();
    await Promise.all(this.inFlight.map((check) => check.done.catch(() => undefined)));
    return this.collect();
  }

  private start(): void {
    const written = this.written;
    if (written.length === 0) return;
    this.written = [];
    const { store, pipeline, rows } = this.options;
    const check: InFlightCheck = {
      done: rows.afterQueuedWrites(async () => copiesStoredBefore(written, await readStoredCopies(store, pipeline, written))),
      outcome: undefined,
    };
    check.done.then(
      (losers) => (check.outcome = { losers }),
      (error: unknown) => (check.outcome = { error }),
    );
    this.inFlight.push(check);
  }

  /** The losers of the finished checks at the front; a failed check fails here. */
  private collect(): WrittenCopy[] {
    const losers: WrittenCopy[] = [];
    while (this.inFlight.length > 0 && this.inFlight[0]!.outcome) {
      const outcome = this.inFlight.shift()!.outcome!;
      if ('error' in outcome) throw outcome.error;
      losers.push(...outcome.losers);
    }
    return losers;
  }

  /** Lets go of the ids whose rows are in the store: the window checks find those. */
  release(): void {
    const writtenShips = this.options.rows.writtenShips;
    let released = 0;
    while (released < this.byShip.length && this.byShip[released]!.ship <= writtenShips) {
      for (const eventId of this.byShip[released]!.eventIds) this.unwritten.delete(eventId);
      released++;
    }
    if (released > 0) this.byShip.splice(0, released);
  }
}
