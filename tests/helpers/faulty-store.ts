import type { QueryParams, RowPayload, Store } from '../../src/stores/store.js';
import { StoreError } from '../../src/stores/store.js';

/**
 * A real store whose inserts can be made to fail for a while, as when the
 * ClickHouse server is down or its disk is full: the failure is injected in
 * front of a working store, not simulated behind a fake one.
 */
export class FaultyStore implements Store {
  down = false;
  failedInserts = 0;
  /** From this many inserts on, inserts fail with an error retrying cannot fix (a dropped table, revoked rights). */
  fatalAfterInserts = Infinity;
  private inserts = 0;

  constructor(private readonly inner: Store) {}

  get description(): string {
    return `faulty(${this.inner.description})`;
  }

  command(sql: string, params?: QueryParams): Promise<void> {
    return this.inner.command(sql, params);
  }

  query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    return this.inner.query<Row>(sql, params);
  }

  queryText(sql: string, params?: QueryParams): Promise<string> {
    return this.inner.queryText(sql, params);
  }

  async insertCompactRows(table: string, columns: readonly string[], rows: RowPayload): Promise<void> {
    if (this.down && rows.length > 0) {
      this.failedInserts++;
      throw new StoreError(`store unavailable (injected outage) while inserting into ${table}`, true);
    }
    if (rows.length > 0 && ++this.inserts > this.fatalAfterInserts) {
      this.failedInserts++;
      throw new StoreError(`insert into ${table} refused (injected, not retriable)`, false);
    }
    return this.inner.insertCompactRows(table, columns, rows);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
