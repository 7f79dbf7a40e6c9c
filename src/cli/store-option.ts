import { EmbeddedStore } from '../stores/embedded-store.js';
import type { Store } from '../stores/store.js';
import { migrate } from '../stores/migrate.js';
import { UsageError } from './cli-error.js';

export const DEFAULT_STORE = 'embedded:./.journeys';

export const STORE_FLAG = {
  store: { type: 'string' as const },
  database: { type: 'string' as const },
};

export const STORE_HELP = `  --store <spec>        embedded:<dir> (default ${DEFAULT_STORE}, or $JOURNEYS_STORE)
  --database <name>     ClickHouse database (default journeys, or $JOURNEYS_DATABASE)`;

/**
 * Opens the store named by --store / $JOURNEYS_STORE. The embedded engine is
 * the default; a ClickHouse server URL is accepted by stores that support it.
 */
export async function openStore(flags: { store?: string | undefined; database?: string | undefined }, options: { migrate?: boolean } = {}): Promise<Store> {
  const spec = flags.store ?? process.env['JOURNEYS_STORE'] ?? DEFAULT_STORE;
  const database = flags.database ?? process.env['JOURNEYS_DATABASE'] ?? 'journeys';
  if (!spec.startsWith('embedded:')) {
    throw new UsageError(`unsupported --store "${spec}": use embedded:<dir> (for example ${DEFAULT_STORE})`);
  }
  const store = await EmbeddedStore.open({ dir: spec.slice('embedded:'.length) || './.journeys', database });
  if (options.migrate) await migrate(store);
  return store;
}

/** Runs `work` with an open store and always closes it (releasing the chDB directory and its lock). */
export async function withStore<T>(
  flags: { store?: string | undefined; database?: string | undefined },
  options: { migrate?: boolean },
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(flags, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
