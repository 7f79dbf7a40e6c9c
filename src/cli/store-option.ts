import { EmbeddedStore } from '../stores/embedded-store.js';
import { ServerStore } from '../stores/server-store.js';
import type { Store } from '../stores/store.js';
import { migrate } from '../stores/migrate.js';
import { parseServerUrl } from '../stores/store-url.js';
import { UsageError } from './cli-error.js';
import { redactCredentials } from '../core/redact.js';

export const DEFAULT_STORE = 'embedded:./.journeys';

export const STORE_FLAG = {
  store: { type: 'string' as const },
  database: { type: 'string' as const },
};

export const STORE_HELP = `  --store <spec>        embedded:<dir> (default ${DEFAULT_STORE}, or $JOURNEYS_STORE),
                        or a ClickHouse server: http(s)://[user[:password]@]host:port
  --database <name>     ClickHouse database (default journeys, or $JOURNEYS_DATABASE)`;

/** How to open the store. */
export interface OpenStoreOptions {
  /** Apply pending migrations (nothing is written when none is pending). */
  migrate?: boolean;
  /** Create a missing server database (default: when migrating); otherwise a missing one is a clear error. */
  createDatabase?: boolean;
  /**
   * For commands that read: the database must exist on either store (a
   * misspelt --database must not become a new empty one that reports zeros);
   * a missing one is a MissingDatabaseError listing those that exist.
   */
  requireDatabase?: boolean;
  /** The cluster of `migrate --cluster`: the database is created ON CLUSTER and tables in their cluster form. */
  cluster?: string | undefined;
}

/**
 * Opens the store named by --store / $JOURNEYS_STORE: the embedded engine
 * (the default) or a ClickHouse server over HTTP.
 */
export async function openStore(flags: { store?: string | undefined; database?: string | undefined }, options: OpenStoreOptions = {}): Promise<Store> {
  const spec = flags.store || process.env['JOURNEYS_STORE'] || DEFAULT_STORE;
  const database = flags.database ?? process.env['JOURNEYS_DATABASE'] ?? 'journeys';
  // Typos are the user's to fix (exit 2), before anything is opened or locked.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new UsageError(`invalid --database "${database}": use letters, digits and _`);
  if (/^https?:\/\//i.test(spec)) {
    try {
      parseServerUrl(spec);
    } catch (error) {
      throw new UsageError(`invalid --store URL: ${(error as Error).message}`);
    }
  }
  let store: Store;
  if (spec.startsWith('embedded:')) {
    store = await EmbeddedStore.open({ dir: spec.slice('embedded:'.length) || './.journeys', database, createDatabase: !options.requireDatabase });
  } else if (/^https?:\/\//i.test(spec)) {
    store = await ServerStore.open({
      url: spec,
      database,
      createDatabase: !options.requireDatabase && (options.createDatabase ?? options.migrate ?? false),
      cluster: options.cluster,
      onRetry: (message) => process.stderr.write(`journeys: ${message}\n`),
    });
  } else {
    throw new UsageError(`unsupported --store "${redactCredentials(spec)}": use embedded:<dir> (for example ${DEFAULT_STORE}) or http(s)://host:8123`);
  }
  if (options.migrate) {
    try {
      await migrate(store, { cluster: options.cluster });
      await warnIfWrittenBefore006(store);
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  return store;
}

/**
 * Sessions written before the journey model (migration 006) have no funnel
 * progress: every report leaves them out until `journeys migrate --pipeline`
 * rebuilds them. Says so once per command; stops at the first such row.
 */
async function warnIfWrittenBefore006(store: Store): Promise<void> {
  const stale = await store.query<{ pipeline: string }>('SELECT pipeline FROM sessions WHERE is_deleted = 0 AND empty(funnel_modes) LIMIT 1');
  if (stale.length === 0) return warnIfUnstitched(store);
  process.stderr.write(
    `journeys: ${store.description} holds sessions written by an earlier version (pipeline ${stale[0]!.pipeline}): reports leave them out until ` +
      `\`journeys migrate --pipeline ${stale[0]!.pipeline}\` rebuilds them from the stored events\n`,
  );
}

/**
 * Person-level rollups written before identity stitching (migration 008)
 * carry the level's old name `journey`: reports at level person leave them
 * out until `journeys migrate --pipeline` rebuilds them per person.
 */
async function warnIfUnstitched(store: Store): Promise<void> {
  const old = await store.query<{ pipeline: string }>("SELECT pipeline FROM funnel_hourly WHERE level = 'journey' LIMIT 1");
  if (old.length === 0) return;
  process.stderr.write(
    `journeys: ${store.description} holds journeys written before identity stitching (pipeline ${old[0]!.pipeline}): person-level reports leave them out until ` +
      `\`journeys migrate --pipeline ${old[0]!.pipeline}\` rebuilds them per person from the stored events\n`,
  );
}

/** Runs `work` with an open store and always closes it (releasing the chDB directory and its lock). */
export async function withStore<T>(
  flags: { store?: string | undefined; database?: string | undefined },
  options: OpenStoreOptions,
  work: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(flags, options);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
