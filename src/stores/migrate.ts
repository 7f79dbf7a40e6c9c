import { createHash } from 'node:crypto';
import type { Store } from './store.js';
import { listSql, readSql, splitStatements } from './sql-files.js';

export interface MigrationResult {
  version: string;
  applied: boolean;
  statements: number;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    String,
    checksum   String,
    applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version`;

/**
 * Applies sql/migrations/*.sql in name order, each once, recorded in
 * schema_migrations. Statements are idempotent (IF NOT EXISTS), so a
 * migration interrupted halfway is simply applied again.
 */
export async function migrate(store: Store, options: { dryRun?: boolean } = {}): Promise<MigrationResult[]> {
  if (!options.dryRun) await store.command(LEDGER);
  const applied = options.dryRun
    ? new Set<string>()
    : new Set((await store.query<{ version: string }>('SELECT version FROM schema_migrations FINAL')).map((row) => row.version));
  const results: MigrationResult[] = [];
  for (const file of listSql('migrations')) {
    const version = file.replace(/\.sql$/, '');
    const text = readSql(`migrations/${file}`);
    const statements = splitStatements(text);
    if (applied.has(version)) {
      results.push({ version, applied: false, statements: statements.length });
      continue;
    }
    if (!options.dryRun) {
      for (const statement of statements) await store.command(statement);
      const checksum = createHash('sha256').update(text).digest('hex').slice(0, 16);
      await store.command(
        'INSERT INTO schema_migrations (version, checksum, applied_at) VALUES ({version:String}, {checksum:String}, now64(3))',
        { version, checksum },
      );
    }
    results.push({ version, applied: true, statements: statements.length });
  }
  return results;
}
