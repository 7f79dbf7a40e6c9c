import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './store.js';

interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function parseHolder(text: string | undefined): LockHolder | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as LockHolder);
  } catch {
    return undefined;
  }
}

/** A holder on this host whose process is gone (killed): its lock is taken over. */
function isStale(holder: LockHolder | undefined): boolean {
  return holder === undefined || (holder.host === hostname() && !isAlive(holder.pid));
}

/**
 * Creates `path` holding `text`, atomically: the text is written to a file of
 * its own and hard-linked to `path`, and link(2) fails with EEXIST when `path`
 * exists. A lock file therefore never exists without its holder in it (with
 * open + write, a process reading in between saw an empty lock, called it
 * stale and removed it, and both held the lock). False when `path` exists.
 */
function createWith(path: string, text: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, text, { flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** Blocks this thread for a moment (the lock is taken synchronously, before chDB opens). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the lock at `path` if it still reads `staleText`. Two processes
 * that both judged the same lock stale must not both remove "it": the second
 * one would remove the lock the first had just taken. So removal happens
 * under a second lock (`.break`, created the same atomic way) and only after
 * reading the lock again. A `.break` left by a process that died holding it
 * (between two system calls) is removed the same way it would be judged.
 */
function removeIfUnchanged(path: string, staleText: string, mine: string): void {
  const breakPath = `${path}.break`;
  if (!createWith(breakPath, mine)) {
    const breakerText = readText(breakPath);
    if (breakerText !== undefined && isStale(parseHolder(breakerText))) removeQuietly(breakPath);
    else pause(5);
    return;
  }
  try {
    if (readText(path) === staleText) removeQuietly(path);
  } finally {
    removeQuietly(breakPath);
  }
}

/**
 * chDB binds a data directory to one process; a second process opening it
 * would corrupt it or fail obscurely. This lock file names the holder so the
 * second process can say who has it, and a lock whose process is gone (killed)
 * is detected as stale and taken over. Of processes that race for it, exactly
 * one wins (see createWith and removeIfUnchanged).
 */
export function acquireStoreLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'journeys.lock');
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  const mine = JSON.stringify(holder);
  // Enough for a crowd of processes taking over one stale lock in turn.
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createWith(path, mine)) {
      return () => {
        if (readText(path) === mine) removeQuietly(path);
      };
    }
    const text = readText(path);
    // Released (or removed as stale) since: try again.
    if (text === undefined) continue;
    const current = parseHolder(text);
    if (!isStale(current)) {
      const who = current!.pid === process.pid ? 'this same process' : `process ${current!.pid} on ${current!.host} (${current!.command}, since ${current!.startedAt})`;
      throw new StoreError(
        `the embedded store ${dir} is in use by ${who}. chDB lets one process use a data directory at a time: ` +
          'wait for it to finish, stop it, or use another --store directory.',
        false,
      );
    }
    removeIfUnchanged(path, text, mine);
  }
  throw new StoreError(`could not take the lock ${path}; remove it (and ${path}.break) if no journeys process is running`, false);
}
