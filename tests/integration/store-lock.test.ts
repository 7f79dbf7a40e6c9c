import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../src/stores/embedded-store.js';

/** Takes the lock in a second process, as a second `journeys` command would (compiled code: see global-setup). */
function openInChild(dir: string): { status: number | null; stderr: string } {
  const script = `
    import { acquireStoreLock } from ${JSON.stringify(new URL('../../dist/stores/store-lock.js', import.meta.url).href)};
    try { acquireStoreLock(${JSON.stringify(dir)}); console.log('locked'); } catch (e) { console.error(e.message); process.exit(3); }
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('embedded store lock', () => {
  it('a second process gets a clear error naming the holder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-lock-'));
    const store = await EmbeddedStore.open({ dir, database: 'lock_test' });
    try {
      const child = openInChild(dir);
      expect(child.status).toBe(3);
      expect(child.stderr).toContain(`in use by process ${process.pid}`);
      expect(child.stderr).toContain('one process use a data directory at a time');
    } finally {
      await store.close();
    }
  });

  it('a lock left by a killed process is stale and taken over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-lock-'));
    // A pid that cannot be running: above the kernel's pid limit.
    writeFileSync(join(dir, 'journeys.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'ingest' }));
    const store = await EmbeddedStore.open({ dir, database: 'lock_test' });
    await store.close();
  });

  it('after close the directory can be opened again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-lock-'));
    const first = await EmbeddedStore.open({ dir, database: 'lock_test' });
    await first.close();
    const second = await EmbeddedStore.open({ dir, database: 'lock_test' });
    await second.close();
  });
});
