/**
 * The one interface every ClickHouse store implements (embedded chDB, server).
 * SQL text always comes from files in sql/ or from code; values always travel
 * as query parameters (`{name:Type}`), never spliced into the text.
 */
export type QueryParams = Record<string, unknown>;

/** Newline-terminated rows: UTF-8 bytes (the write path) or a string (small inserts). */
export type RowPayload = Uint8Array | string;

/** A payload as bytes (a string is encoded; bytes are passed as they are). */
export function payloadBytes(rows: RowPayload): Uint8Array {
  return typeof rows === 'string' ? Buffer.from(rows) : rows;
}

export interface Store {
  /** A human description, e.g. `embedded:./.journeys (database journeys)`. */
  readonly description: string;
  /** Runs a statement that returns no rows. */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Runs a query and returns its rows as objects (JSONEachRow). */
  query<Row = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<Row[]>;
  /** Runs a query that ends with its own FORMAT clause (e.g. `FORMAT TSV`) and returns ClickHouse's text as is. */
  queryText(sql: string, params?: QueryParams): Promise<string>;
  /** Inserts rows given as JSON arrays in `columns` order, one array per line (JSONCompactEachRow). */
  insertCompactRows(table: string, columns: readonly string[], rows: RowPayload): Promise<void>;
  close(): Promise<void>;
}

/** An infrastructure fault: says whether retrying can help. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
