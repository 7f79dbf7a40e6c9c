import { linksOf } from '../events/identity-links.js';
import type { JourneyEvent } from '../events/journey-event.js';

/**
 * Pairs remembered as written, at most: a logged-in visitor's every event
 * carries the same anonymousId–userId pair, so most sightings need no row.
 * Bounded, so a consumer that runs for months holds a fixed memory (the
 * graph itself lives in ClickHouse); a forgotten pair is merely written
 * again, which the readers' min(first_seen) absorbs.
 */
const REMEMBERED_PAIRS = 100_000;

/**
 * Turns accepted events into identity_links rows (docs/semantics.md,
 * "People"): a pair is written when it is new to this process or seen
 * earlier in event time than the sighting written, each in both directions.
 */
export class LinkWriter {
  private readonly written = new Map<string, number>();

  constructor(private readonly pipeline: string) {}

  rowsOf(events: Iterable<JourneyEvent>): unknown[][] {
    const rows: unknown[][] = [];
    for (const event of events) {
      if (!event.previousId && (event.userId ? 1 : 0) + (event.contactId ? 1 : 0) + (event.emailHash ? 1 : 0) + (event.anonymousId ? 1 : 0) < 2) continue;
      for (const link of linksOf(event)) {
        const pair = `${link.a}\n${link.b}\n${link.forced ? 1 : 0}`;
        const known = this.written.get(pair);
        if (known !== undefined && known <= event.timestampMs) {
          // Seen again: kept as recently used, so a busy pair is not evicted and written again.
          this.remember(pair, known);
          continue;
        }
        this.remember(pair, event.timestampMs);
        const forced = link.forced ? 1 : 0;
        rows.push([this.pipeline, link.a, link.b, event.timestampMs, forced, event.eventId], [this.pipeline, link.b, link.a, event.timestampMs, forced, event.eventId]);
      }
    }
    return rows;
  }

  /** Forgets every pair (a copy written with them was taken back): the next sightings are written again. */
  forget(): void {
    this.written.clear();
  }

  private remember(pair: string, timestampMs: number): void {
    // Map keeps insertion order: re-inserting makes the pair the newest; the oldest goes first.
    this.written.delete(pair);
    this.written.set(pair, timestampMs);
    if (this.written.size > REMEMBERED_PAIRS) this.written.delete(this.written.keys().next().value!);
  }
}
