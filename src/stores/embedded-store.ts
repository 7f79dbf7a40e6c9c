import { Session, drainPending } from 'chdb';
import { resolve } from 'node:path';
import { StoreError, payloadBytes, type QueryParams, type RowPayload, type Store } from './store.js';
import { acquireStoreLock } from './store-lock.js';
import { JOURNEYS_DATABASES_SQL, MissingDatabaseError } from './missing-database.js';
import { isDiskFull } from './disk-full.js';
import { ROW_INSERT_SETTINGS } from './rows.js';

const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Rows of JSONEachRow text. A FORMAT clause in the query overrides the format
 * asked for, and CSV or TSV lines may even parse as JSON (a number, a quoted
 * string): anything but an object per line is refused, not shown as rows.
 */
function parseJsonEachRow<Row>(text: string, sql: string): Row[] {
  const rows: Row[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start) {
      let row: unknown;
      try {
        row = JSON.parse(text.slice(start, end));
      } catch {
        row = undefined;
      }
      if (typeof row !== 'object' || row === null || Array.isArray(row)) {
        throw new StoreError(`the query did not return JSON rows (does it end with a FORMAT clause?)\n  query: ${sql.slice(0, 300).replace(/\s+/g, ' ')}`, false);
      }
      rows.push(row as Row);
    }
    start = end + 1;
  }
  return rows;
}

/**
 * Inserts skip the work every reader redoes anyway (measured on 100k event
 * rows: 105k → 160k rows/s). Block deduplication guards a server against a
 * retried HTTP insert; here a row written twice (a retry after a failure)
 * collapses in the Replacing tables like any replayed row.
 * optimize_on_insert would collapse equal keys inside each block, which every
 * reader does with FINAL.
 */
const EMBEDDED_INSERT_SETTINGS = {
  ...ROW_INSERT_SETTINGS,
  insert_deduplicate: 0,
  optimize_on_insert: 0,
  // The pipeline keeps one core busy; parsing one insert on several threads
  // spent ~18% more CPU for the same insert speed (end to end +5% without it).
  input_format_parallel_parsing: 0,
};

/**
 * ClickHouse in-process through chDB: the zero-setup default. One process
 * holds a data directory at a time (a lock file enforces it with a clear
 * message), and `close` waits for chDB to release the directory.
 */
export class EmbeddedStore implements Store {
  private constructor(
    private readonly session: Session,
    private readonly releaseLock: () => void,
    readonly description: string,
    /** The data directory, absolute: named when its disk is full. */
    private readonly dir: string,
  ) {}

  /** `createDatabase: false` (readers): a missing database is a MissingDatabaseError instead of a new empty one. */
  static async open(options: { dir: string; database: string; createDatabase?: boolean }): Promise<EmbeddedStore> {
    if (!DATABASE_NAME.test(options.database)) {
      throw new StoreError(`invalid database name "${options.database}": use letters, digits and _`, false);
    }
    const dir = resolve(options.dir);
    const release = acquireStoreLock(dir);
    let session: Session;
    try {
      await drainPending();
      session = new Session(dir);
    } catch (error) {
      release();
      throw new StoreError(`could not open the embedded store at ${dir}: ${(error as Error).message}`, false, { cause: error });
    }
    const store = new EmbeddedStore(session, release, `embedded:${options.dir} (database ${options.database})`, dir);
    if (options.createDatabase === false) {
      const found = await store.query<{ n: number }>('SELECT count() AS n FROM system.databases WHERE name = {db:String}', { db: options.database });
      if (Number(found[0]?.n ?? 0) === 0) {
        const existing = (await store.query<{ database: string }>(JOURNEYS_DATABASES_SQL)).map((row) => row.database);
        await store.close();
        throw new MissingDatabaseError(options.database, { where: `in embedded:${options.dir}`, existing });
      }
    } else {
      // The database name is checked above; identifiers cannot be query parameters here.
      await store.command(`CREATE DATABASE IF NOT EXISTS ${options.database}`);
    }
    await store.command(`USE ${options.database}`);
    return store;
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    await this.run(sql, params);
  }

  async query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    return parseJsonEachRow<Row>(await this.run(sql, params), sql);
  }

  async queryText(sql: string, params?: QueryParams): Promise<string> {
    // The query's own FORMAT clause overrides the JSONEachRow that run() asks for.
    return this.run(sql, params);
  }

  async insertCompactRows(table: string, columns: readonly string[], rows: RowPayload): Promise<void> {
    if (rows.length === 0) return;
    try {
      // Bytes go to chDB's parser as they are (no copy into the JS heap).
      await this.session.insert({ table, values: payloadBytes(rows), format: 'JSONCompactEachRow', columns, settings: EMBEDDED_INSERT_SETTINGS });
    } catch (error) {
      const message = (error as Error).message;
      if (isDiskFull(message)) throw this.diskFull(`an insert into ${table}`, message, error);
      // Otherwise an embedded insert fails on I/O (files busy): worth retrying.
      throw new StoreError(`insert into ${table} failed: ${message}`, true, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.session.close();
    await drainPending();
    this.releaseLock();
  }

  /**
   * Says what is full and that nothing is lost: ClickHouse writes a part
   * whole or not at all, so the store stays readable and a re-run ingest
   * picks up where this one stopped (its writes are idempotent).
   */
  private diskFull(action: string, message: string, cause: unknown): StoreError {
    return new StoreError(
      `the disk holding the embedded store ${this.dir} is full: ${action} could not be written (ClickHouse: ${message.split('\n')[0]}). ` +
        'Free space there (or use another --store directory), then run the command again: what was written is kept.',
      false,
      { cause },
    );
  }

  private async run(sql: string, params?: QueryParams): Promise<string> {
    try {
      const result = params
        ? await this.session.queryBindAsync(sql, params, { format: 'JSONEachRow' })
        : await this.session.queryAsync(sql, { format: 'JSONEachRow' });
      return result.text();
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? '';
      if (isDiskFull(message)) throw this.diskFull('a query', message, error);
      throw new StoreError(`ClickHouse (embedded) rejected a query: ${message}\n  query: ${sql.slice(0, 300).replace(/\s+/g, ' ')}`, false, {
        cause: error,
      });
    }
  }
}
