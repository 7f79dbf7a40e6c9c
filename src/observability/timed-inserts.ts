import type { QueryParams, RowPayload, Store } from '../stores/store.js';

/**
 * `store` with every insert that succeeds timed: `observe(table, seconds)`.
 * Wraps the store instead of instrumenting each writer (row batcher, stream
 * state, journeys, identities), so every insert of a command is timed alike.
 * A failed attempt is not observed: its time is the store's timeout or the
 * error's, not a write latency, and the retry counters count it.
 */
export function timeInserts(store: Store, observe: (table: string, seconds: number) => void): Store {
  return {
    get description() {
      return store.description;
    },
    command: (sql: string, params?: QueryParams) => store.command(sql, params),
    query: <Row>(sql: string, params?: QueryParams) => store.query<Row>(sql, params),
    queryText: (sql: string, params?: QueryParams) => store.queryText(sql, params),
    async insertCompactRows(table: string, columns: readonly string[], rows: RowPayload): Promise<void> {
      const started = process.hrtime.bigint();
      await store.insertCompactRows(table, columns, rows);
      observe(table, Number(process.hrtime.bigint() - started) / 1e9);
    },
    close: () => store.close(),
  };
}
