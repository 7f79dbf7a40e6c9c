import { createHash } from 'node:crypto';
import { StoreError, type Store } from './store.js';
import { listSql, readSql, splitStatements } from './sql-files.js';
import { parseCreateTable, parseDropTable, toClusterStatements, type TableDefinition } from './cluster-ddl.js';
import { currentEventsTtl, eventsTtlStatement, type EventsTtl } from './events-ttl.js';

export interface MigrationResult {
  version: string;
  applied: boolean;
  statements: number;
  /** The statements as run (or as they would run, with dryRun): single-node or cluster form. */
  sql: string[];
}

export interface MigrateOptions {
  /** Report what would run, change nothing. */
  dryRun?: boolean;
  /** Create Replicated/Distributed tables ON CLUSTER (see cluster-layout.ts); single node when absent. */
  cluster?: string | undefined;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    String,
    checksum   String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`;

const CLUSTER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

async function tableEngine(store: Store, table: string): Promise<string | undefined> {
  const rows = await store.query<{ engine: string }>(
    'SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    { table },
  );
  return rows[0]?.engine;
}

/**
 * The cluster form of every migration file's statements, converted in file
 * and statement order. A staging twin (`CREATE TABLE t_staging AS t`) copies
 * the keys of its source as defined at that point: a migration may drop a
 * table and create it again with other columns and keys (006 does so with
 * the rollups), and the twin an earlier migration creates must have the keys
 * of the table that exists when it runs. So the definitions are built as the
 * statements run: a CREATE TABLE IF NOT EXISTS defines a table not in force
 * (one in force stays as it is, as on the server), a DROP TABLE removes it.
 * Statements skipped on a cluster change nothing.
 */
export function clusterMigrations(files: ReadonlyArray<{ statements: string[] }>, cluster: string, database: string): string[][] {
  const definitions = new Map<string, TableDefinition>();
  const context = { cluster, database, definitions };
  return files.map((file) =>
    file.statements.flatMap((statement) => {
      const sql = toClusterStatements(statement, context);
      if (sql.length === 0) return sql;
      const dropped = parseDropTable(statement);
      if (dropped !== undefined) definitions.delete(dropped);
      const def = parseCreateTable(statement);
      if (def && !definitions.has(def.name)) definitions.set(def.name, def);
      return sql;
    }),
  );
}

/**
 * Applies sql/migrations/*.sql in name order, each once, recorded in
 * schema_migrations. Statements are idempotent (IF NOT EXISTS), so a
 * migration interrupted halfway is simply applied again. Nothing is written
 * when nothing is pending, so a read-only user can open an up-to-date store.
 * With `cluster`, each statement is converted to its cluster form (a store
 * is migrated one way for good: the other way is refused).
 */
export async function migrate(store: Store, options: MigrateOptions = {}): Promise<MigrationResult[]> {
  const cluster = options.cluster;
  if (cluster !== undefined && !CLUSTER_NAME.test(cluster)) throw new StoreError(`invalid cluster name "${cluster}"`, false);
  const ledgerExists = (await tableEngine(store, 'schema_migrations')) !== undefined;
  const eventsEngine = await tableEngine(store, 'events');
  if (eventsEngine !== undefined && (eventsEngine === 'Distributed') !== (cluster !== undefined)) {
    throw new StoreError(
      cluster
        ? `${store.description} was migrated for a single node (events is ${eventsEngine}); --cluster cannot convert existing tables (docs/sql.md, "Moving to a cluster")`
        : `${store.description} was migrated for a cluster (events is Distributed): run journeys migrate with --cluster <name>`,
      false,
    );
  }
  const applied = ledgerExists
    ? new Set((await store.query<{ version: string }>('SELECT version FROM schema_migrations FINAL')).map((row) => row.version))
    : new Set<string>();
  const files = listSql('migrations').map((file) => {
    const text = readSql(`migrations/${file}`);
    return { version: file.replace(/\.sql$/, ''), text, statements: splitStatements(text) };
  });
  let converted = files.map((file) => file.statements);
  let ledger = [LEDGER];
  if (cluster !== undefined) {
    const [row] = await store.query<{ db: string }>('SELECT currentDatabase() AS db');
    converted = clusterMigrations(files, cluster, row!.db);
    ledger = clusterMigrations([{ statements: [LEDGER] }], cluster, row!.db)[0]!;
  }
  const results: MigrationResult[] = [];
  let ledgerReady = ledgerExists;
  for (const [i, file] of files.entries()) {
    const sql = converted[i]!;
    if (applied.has(file.version)) {
      results.push({ version: file.version, applied: false, statements: sql.length, sql });
      continue;
    }
    if (!options.dryRun) {
      if (!ledgerReady) {
        for (const statement of ledger) await store.command(statement);
        ledgerReady = true;
      }
      for (const statement of sql) await store.command(statement);
      const checksum = createHash('sha256').update(file.text).digest('hex').slice(0, 16);
      await store.command(
        'INSERT INTO schema_migrations (version, checksum, applied_at) VALUES ({version:String}, {checksum:String}, now64(3))',
        { version: file.version, checksum },
      );
    }
    results.push({ version: file.version, applied: true, statements: sql.length, sql });
  }
  return results;
}

/** What happened to the events TTL. */
export interface TtlResult {
  /** The TTL expression before. */
  before: string | undefined;
  /** The statement run (or that would run); undefined when nothing changes. */
  statement: string | undefined;
}

/**
 * Sets (`{seconds}`) or removes (`'off'`) the raw events' TTL; see
 * events-ttl.ts for why it counts from received_at. Run after `migrate`.
 */
export async function applyEventsTtl(store: Store, options: { ttl: EventsTtl; cluster?: string | undefined; dryRun?: boolean }): Promise<TtlResult> {
  const before = await currentEventsTtl(store, { cluster: options.cluster });
  const statement = eventsTtlStatement({ ttl: options.ttl, current: before, cluster: options.cluster });
  if (statement && !options.dryRun) await store.command(statement);
  return { before, statement };
}
