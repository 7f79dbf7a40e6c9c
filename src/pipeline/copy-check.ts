import type { Store } from '../stores/store.js';
import type { RowBatcher } from './row-batcher.js';
import { copiesStoredBefore, readStoredCopies, type WrittenCopy } from './stored-copies.js';

/**
 * Accepted events are checked against the store in windows of this many:
 * one query per window (measured on a 1M-event store: ~8 ms for 1,000 ids,
 * ~34 ms for 10,000), run on ClickHouse's threads while the next window is
 * decoded.
 */
export const EVENTS_PER_COPY_CHECK = 10_000;

/**
 * "An id already stored counts once", for events that arrive on time too
 * (late ones are checked by the late-event resolution). Within a window,
 * the ids seen so far catch a second copy before it is sessionized. At the
 * end of a window, one query, run after the window's rows are written, finds
 * the written events whose id the store also holds at another time: a copy
 * stored earlier (an earlier run, window or consumer) won, and the caller
 * takes the written copy back and repairs its key. At most one check is in
 * flight; memory is bounded by two windows.
 */
export class CopyCheck {
  /** Ids of the current window, handed to the sessionize step as the ids seen so far. */
  readonly seen = new Set<string>();
  private written: WrittenCopy[] = [];
  private inFlight: Promise<WrittenCopy[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly pipeline: string,
  ) {}

  /** Notes events that were accepted (and queued for writing). */
  note(events: ReadonlyArray<{ key: string; eventId: string; timestampMs: number }>): void {
    for (const event of events) this.written.push({ key: event.key, eventId: event.eventId, timestampMs: event.timestampMs });
  }

  get windowFull(): boolean {
    return this.written.length >= EVENTS_PER_COPY_CHECK;
  }

  /**
   * Ends the current window: starts its check after the rows queued so far
   * are written, and returns the copies that lost in the check before it
   * (waiting for that one first keeps a single check in flight).
   */
  async rotate(rows: RowBatcher): Promise<WrittenCopy[]> {
    const previous = this.inFlight;
    this.inFlight = undefined;
    const losers = previous ? await previous : [];
    const written = this.written;
    this.written = [];
    this.seen.clear();
    if (written.length > 0) {
      const { store, pipeline } = this;
      this.inFlight = rows.afterWrites(async () => copiesStoredBefore(written, await readStoredCopies(store, pipeline, written)));
      // Handled by the next rotate or settle; a failure surfaces there.
      this.inFlight.catch(() => undefined);
    }
    return losers;
  }

  /** Checks everything noted so far and returns every copy that lost. */
  async settle(rows: RowBatcher): Promise<WrittenCopy[]> {
    const losers = await this.rotate(rows);
    return [...losers, ...(await this.rotate(rows))];
  }
}
