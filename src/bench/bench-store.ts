import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore } from '../stores/embedded-store.js';
import { migrate } from '../stores/migrate.js';

/** Runs `work` on a fresh, migrated embedded store in a temp folder (`journeys-bench-<name>-…`), closed and removed after it. */
export async function withBenchStore<T>(name: string, work: (store: EmbeddedStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `journeys-bench-${name}-`));
  const store = await EmbeddedStore.open({ dir, database: 'bench' });
  try {
    await migrate(store);
    return await work(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
