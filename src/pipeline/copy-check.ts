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
 * Memory is bounded by the rows in flight and two windows; at most one
 * check is in flight. Duplicates and late events never enter the map.
 */
export class CopyCheck {
  /** Ids not yet known to be in the store, with the ship of the row writer that carries them (in ship order). */
  private readonly unwritten = new Map<string, number>();
  private written: WrittenCopy[] = [];
  private inFlight: Promise<WrittenCopy[]> | undefined;

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
    const ship = this.options.rows.nextShip;
    for (const event of events) {
      this.written.push({ key: event.key, eventId: event.eventId, timestampMs: event.timestampMs });
      this.unwritten.set(event.eventId, ship);
    }
  }

  /** Marks ids as queued for writing now (late events written when they were resolved). */
  queued(eventIds: readonly string[]): void {
    const ship = this.options.rows.nextShip;
    for (const eventId of eventIds) {
      this.unwritten.delete(eventId);
      this.unwritten.set(eventId, ship);
    }
  }

  get windowFull(): boolean {
    return this.written.length >= EVENTS_PER_COPY_CHECK;
  }

  /**
   * Ends the current window: starts its check after the inserts queued so
   * far (pending rows keep filling the next insert), and returns the copies
   * that lost in the check before it (waiting for that one first keeps a
   * single check in flight).
   */
  async rotate(): Promise<WrittenCopy[]> {
    const previous = this.inFlight;
    this.inFlight = undefined;
    const losers = previous ? await previous : [];
    const written = this.written;
    this.written = [];
    if (written.length > 0) {
      const { store, pipeline, rows } = this.options;
      this.inFlight = rows.afterQueuedWrites(async () => copiesStoredBefore(written, await readStoredCopies(store, pipeline, written)));
      // Handled by the next rotate or settle; a failure surfaces there.
      this.inFlight.catch(() => undefined);
    }
    return losers;
  }

  /** Checks everything noted so far and returns every copy that lost. */
  async settle(): Promise<WrittenCopy[]> {
    const losers = await this.rotate();
    return [...losers, ...(await this.rotate())];
  }

  /** Lets go of the ids whose rows are in the store: the window checks find those. */
  release(): void {
    const writtenShips = this.options.rows.writtenShips;
    for (const [eventId, ship] of this.unwritten) {
      if (ship > writtenShips) break;
      this.unwritten.delete(eventId);
    }
  }
}
