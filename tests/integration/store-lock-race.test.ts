import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOCK_MODULE = new URL('../../dist/stores/store-lock.js', import.meta.url).href;

/**
 * Starts `count` processes that all try to take the lock of `dir` at the same
 * moment (each spins until a common start time), hold it a while, and print
 * `locked` or `busy`. Compiled code: see global-setup.
 */
async function race(dir: string, count: number): Promise<string[]> {
  const startAt = Date.now() + 1_500;
  const script = `
    import { acquireStoreLock } from ${JSON.stringify(LOCK_MODULE)};
    while (Date.now() < ${startAt}) {}
    try { acquireStoreLock(${JSON.stringify(dir)}); console.log('locked'); setTimeout(() => {}, 1500); }
    catch (e) { console.log(/in use by/.test(e.message) ? 'busy' : 'error: ' + e.message); }
  `;
  const children = Array.from({ length: count }, () => spawn(process.execPath, ['--input-type=module', '-e', script]));
  return Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.on('close', () => resolve(out.trim()));
        }),
    ),
  );
}

const tally = (outcomes: string[]) => ({ locked: outcomes.filter((o) => o === 'locked').length, busy: outcomes.filter((o) => o === 'busy').length });

describe('embedded store lock under a race', () => {
  it('of many processes on a free directory: exactly one wins, the others are told who holds it', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'journeys-race-'));
      expect(tally(await race(dir, 8))).toEqual({ locked: 1, busy: 7 });
    }
  });

  it('of many processes taking over a stale lock (its holder is dead): exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'journeys-race-'));
      // A pid that cannot be running: above the kernel's pid limit.
      writeFileSync(join(dir, 'journeys.lock'), JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'ingest' }));
      expect(tally(await race(dir, 8))).toEqual({ locked: 1, busy: 7 });
      // No temporary files are left behind.
      expect(readdirSync(dir).filter((name) => name !== 'journeys.lock')).toEqual([]);
    }
  });
});
