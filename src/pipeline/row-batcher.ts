import type { Store } from '../stores/store.js';
import { DEAD_LETTER_COLUMNS, EVENT_COLUMNS, SESSION_COLUMNS, joinLines } from '../stores/rows.js';

const COLUMNS = { events: EVENT_COLUMNS, sessions: SESSION_COLUMNS, dead_letters: DEAD_LETTER_COLUMNS } as const;
export type WrittenTable = keyof typeof COLUMNS;

/**
 * Collects encoded rows and writes them in large inserts on chDB's threads
 * while the caller goes on decoding. Measured here: 100k-row inserts write
 * ~25% faster than 20k-row ones (and 300k-row ones slower again). At most one
 * insert is in flight; `ship` waits for the previous one (backpressure).
 * Tables are always written in the order events, dead letters, sessions, so
 * a session row never lands before the events it was built from.
 */
export class RowBatcher {
  private readonly pending: Record<WrittenTable, string[]> = { events: [], dead_letters: [], sessions: [] };
  private pendingRows = 0;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly rowsPerInsert = 100_000,
  ) {}

  add(table: WrittenTable, lines: readonly string[]): void {
    for (const line of lines) this.pending[table].push(line);
    this.pendingRows += lines.length;
  }

  /** Ships when enough rows are waiting; resolves once the previous insert is done. */
  async shipIfFull(): Promise<void> {
    if (this.pendingRows >= this.rowsPerInsert) await this.ship();
  }

  /** Starts inserting everything pending and waits for the insert before it. */
  async ship(): Promise<void> {
    const previous = this.writes;
    const payloads = (['events', 'dead_letters', 'sessions'] as const).map((table) => ({ table, lines: joinLines(this.pending[table]) }));
    this.pending.events = [];
    this.pending.dead_letters = [];
    this.pending.sessions = [];
    this.pendingRows = 0;
    this.writes = this.writes.then(async () => {
      for (const { table, lines } of payloads) await this.store.insertCompactRows(table, COLUMNS[table], lines);
    });
    // Marked handled here; a failure still surfaces at the next ship or flush.
    this.writes.catch(() => undefined);
    await previous;
  }

  /** Resolves once every row added so far is in the store (rejects if an insert failed). */
  async flush(): Promise<void> {
    await this.ship();
    await this.writes;
  }
}
