import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { StoreError, payloadBytes, type QueryParams, type RowPayload, type Store } from './store.js';
import { parseServerUrl, type ServerAddress } from './store-url.js';
import { DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './retry.js';
import { describeServerError, isRetriableServerError } from './server-errors.js';
import { chunkLines } from './insert-chunks.js';
import { JOURNEYS_DATABASES_SQL, MissingDatabaseError } from './missing-database.js';
import { ROW_INSERT_SETTINGS } from './rows.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Options of {@link ServerStore.open}. */
export interface ServerStoreOptions {
  /** `http(s)://[user[:password]@]host[:port]`. */
  url: string;
  database: string;
  /** Create the database when missing (migrate and writers); readers get a clear error instead. */
  createDatabase?: boolean;
  /** Cluster to create the database on (`ON CLUSTER`), with createDatabase. */
  cluster?: string | undefined;
  retry?: RetryPolicy;
  /**
   * Lines per INSERT request: payloads above this are split (each part its own
   * dedup token). A line holds one chunk of rows (at most MAX_ROWS_PER_LINE):
   * the default of 1,000 lines takes a whole 100k-row payload of the pipeline.
   */
  maxLinesPerInsert?: number;
  /** One request's time limit: rollup rebuilds and raw funnels can take minutes on big tables. */
  requestTimeoutMs?: number;
  /** Told about each retry (e.g. to log it). */
  onRetry?: (message: string) => void;
}

/**
 * Settings of every read: 64-bit integers as JSON numbers, as the embedded
 * engine returns them, so both stores give identical rows. (This is why the
 * read-only analysts' profile is readonly = 2: it may change settings.)
 */
const READ_SETTINGS: ClickHouseSettings = { output_format_json_quote_64bit_integers: 0 };

/**
 * ClickHouse over HTTP (@clickhouse/client), with the same contract as the
 * embedded store. Values travel only as query parameters or insert bodies.
 * Inserts are split into parts of at most `maxLinesPerInsert` lines, each sent
 * with an `insert_deduplication_token` hashed from its table, columns and
 * bytes and retried with exponential backoff: a retry of a part the server
 * already wrote (a lost answer) is dropped by the server, never doubled.
 * Reads are retried too; other statements are not (an INSERT … SELECT or an
 * ALTER may have run although its answer was lost), they fail with a clear
 * message and the callers' operations are idempotent as a whole.
 */
export class ServerStore implements Store {
  private constructor(
    private readonly client: ClickHouseClient,
    private readonly address: ServerAddress,
    private readonly database: string,
    private readonly options: { retry: RetryPolicy; maxLinesPerInsert: number; onRetry: ((message: string) => void) | undefined },
    readonly description: string,
  ) {}

  static async open(options: ServerStoreOptions): Promise<ServerStore> {
    if (!IDENTIFIER.test(options.database)) throw new StoreError(`invalid database name "${options.database}": use letters, digits and _`, false);
    if (options.cluster !== undefined && !IDENTIFIER.test(options.cluster)) throw new StoreError(`invalid cluster name "${options.cluster}"`, false);
    let address: ServerAddress;
    try {
      address = parseServerUrl(options.url);
    } catch (error) {
      throw new StoreError(`invalid ClickHouse URL: ${(error as Error).message}`, false);
    }
    const retry = options.retry ?? DEFAULT_RETRY_POLICY;
    const base = {
      url: address.url,
      username: address.username,
      password: address.password,
      request_timeout: options.requestTimeoutMs ?? 600_000,
      application: 'journeys',
      use_multipart_params_auto: true,
      // The client logs every failed request (~13 lines each, retries included) and
      // a config warning to stderr; every failure reaches the caller as a StoreError
      // that says what to fix, so its own log would only bury that line.
      log: { level: ClickHouseLogLevel.OFF },
    };
    const ctx = { server: address.display, username: address.username, database: options.database };
    // First without a database: tells a missing database apart from bad credentials.
    const probe = createClient(base);
    try {
      const exists = await withRetry(
        async () => {
          const result = await probe.query({ query: 'SELECT count() AS n FROM system.databases WHERE name = {db:String}', query_params: { db: options.database }, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS });
          const rows = await result.json<{ n: number | string }>();
          return Number(rows[0]?.n ?? 0) > 0;
        },
        // Few quick tries: a wrong URL should not keep the user waiting.
        { policy: { ...retry, attempts: Math.min(retry.attempts, 3), maxDelayMs: Math.min(retry.maxDelayMs, 1_000) }, isRetriable: isRetriableServerError },
      );
      if (!exists) {
        if (!options.createDatabase) {
          const listed = await probe.query({ query: JOURNEYS_DATABASES_SQL, format: 'JSONEachRow' });
          const existing = (await listed.json<{ database: string }>()).map((row) => row.database);
          throw new MissingDatabaseError(options.database, { where: `on ${address.display}`, existing });
        }
        // Identifiers were checked above; they cannot be query parameters.
        const onCluster = options.cluster ? ` ON CLUSTER ${options.cluster}` : '';
        await probe.command({ query: `CREATE DATABASE IF NOT EXISTS ${options.database}${onCluster}` });
      }
    } catch (error) {
      throw error instanceof StoreError ? error : describeServerError(error, { ...ctx, action: 'connecting' });
    } finally {
      await probe.close();
    }
    const client = createClient({ ...base, database: options.database });
    return new ServerStore(
      client,
      address,
      options.database,
      { retry, maxLinesPerInsert: options.maxLinesPerInsert ?? 1_000, onRetry: options.onRetry },
      `${address.display} (database ${options.database})`,
    );
  }

  async command(sql: string, params?: QueryParams): Promise<void> {
    try {
      await this.client.command({ query: sql, query_params: params });
    } catch (error) {
      throw describeServerError(error, this.context('a statement', sql));
    }
  }

  async query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    try {
      return await withRetry(
        async () => {
          const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow', clickhouse_settings: READ_SETTINGS });
          return result.json<Row>();
        },
        { policy: this.options.retry, isRetriable: isRetriableServerError, onRetry: this.retryLogger('query') },
      );
    } catch (error) {
      throw describeServerError(error, this.context('a query', sql));
    }
  }

  async queryText(sql: string, params?: QueryParams): Promise<string> {
    try {
      return await withRetry(
        async () => {
          // exec sends the text as is: query() would append a second FORMAT clause.
          const result = await this.client.exec({ query: sql, query_params: params });
          const chunks: Buffer[] = [];
          for await (const chunk of result.stream) chunks.push(Buffer.from(chunk as Uint8Array));
          return Buffer.concat(chunks).toString('utf8');
        },
        { policy: this.options.retry, isRetriable: isRetriableServerError, onRetry: this.retryLogger('query') },
      );
    } catch (error) {
      throw describeServerError(error, this.context('a query', sql));
    }
  }

  async insertCompactRows(table: string, columns: readonly string[], rows: RowPayload): Promise<void> {
    if (rows.length === 0) return;
    if (!IDENTIFIER.test(table) || columns.some((column) => !IDENTIFIER.test(column))) {
      throw new StoreError(`invalid table or column name in an insert into ${table}`, false);
    }
    const [first, ...rest] = columns;
    if (first === undefined) throw new StoreError(`an insert into ${table} needs columns`, false);
    for (const part of chunkLines(payloadBytes(rows), this.options.maxLinesPerInsert)) {
      const token = insertToken(table, columns, part);
      try {
        await withRetry(
          () =>
            this.client.insert({
              table,
              // A fresh stream per try: a stream is consumed by the first request.
              values: Readable.from([part]),
              format: 'JSONCompactEachRow',
              columns: [first, ...rest],
              clickhouse_settings: {
                ...ROW_INSERT_SETTINGS,
                insert_deduplicate: 1,
                insert_deduplication_token: token,
                // Every reader collapses versions with FINAL; collapsing inside each block too is wasted work.
                optimize_on_insert: 0,
                // Inserts into Distributed tables (--cluster) reach the shards before the
                // call returns, so a rollup rebuild right after sees them.
                distributed_foreground_insert: 1,
              },
            }),
          { policy: this.options.retry, isRetriable: isRetriableServerError, onRetry: this.retryLogger(`insert into ${table}`) },
        );
      } catch (error) {
        throw describeServerError(error, this.context(`an insert into ${table}`));
      }
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private context(action: string, sql?: string) {
    return { server: this.address.display, username: this.address.username, database: this.database, action, sql };
  }

  private retryLogger(action: string) {
    const onRetry = this.options.onRetry;
    if (!onRetry) return undefined;
    return (error: unknown, attempt: number, delayMs: number) =>
      onRetry(`${action} on ${this.address.display} failed (try ${attempt}): ${(error as Error).message.split('\n')[0]}; retrying in ${delayMs} ms`);
  }
}

/**
 * The deduplication token of one insert part: the same rows into the same
 * table give the same token, so the server drops a retried duplicate. Equal
 * payloads sent on purpose are equal rows, which the Replacing tables collapse
 * anyway, so nothing is lost by dropping them.
 */
export function insertToken(table: string, columns: readonly string[], payload: Uint8Array | string): string {
  return createHash('sha256').update(table).update('\0').update(columns.join(',')).update('\0').update(payload).digest('hex').slice(0, 40);
}
