import { parseFlags } from '../args.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { migrate } from '../../stores/migrate.js';

export const HELP = `journeys migrate — create or upgrade the ClickHouse tables (sql/migrations)

Usage: journeys migrate [options]

  --dry-run              list the migrations without applying them
${STORE_HELP}

Ingest applies migrations by itself; run this to prepare a store ahead of time.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('migrate', argv, { 'dry-run': { type: 'boolean' }, ...STORE_FLAG });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const results = await withStore(values, {}, (store) => migrate(store, { dryRun: values['dry-run'] }));
  for (const result of results) {
    const state = values['dry-run'] ? 'would apply' : result.applied ? 'applied' : 'already applied';
    console.log(`${result.version.padEnd(24)} ${state} (${result.statements} statements)`);
  }
  return 0;
}
