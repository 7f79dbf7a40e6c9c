import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { EmbeddedStore } from '../../src/stores/embedded-store.js';
import { migrate } from '../../src/stores/migrate.js';
import type { Store } from '../../src/stores/store.js';

/**
 * One embedded store per test file (chDB binds one data directory per
 * process); tests isolate by database name instead.
 */
export async function openTestStore(database = `t_${Math.random().toString(36).slice(2, 10)}`): Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-test-'));
  const store = await EmbeddedStore.open({ dir, database });
  await migrate(store);
  return {
    store,
    dir,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens one test store for the enclosing describe block (beforeAll) and
 * removes it after the block (afterAll); `receive` gets the open store, so the
 * tests keep it in a variable of their own.
 */
export function useTestStore(receive: (store: Store) => void): void {
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await openTestStore();
    cleanup = opened.cleanup;
    receive(opened.store);
  }, 120_000);
  afterAll(async () => cleanup?.(), 120_000);
}

export function writeTemp(name: string, lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-input-'));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
