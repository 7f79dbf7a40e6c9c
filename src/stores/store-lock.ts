import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
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

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/**
 * chDB binds a data directory to one process; a second process opening it
 * would corrupt it or fail obscurely. This lock file names the holder so the
 * second process can say who has it, and a lock whose process is gone (killed)
 * is detected as stale and taken over.
 */
export function acquireStoreLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'journeys.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const holder: LockHolder = {
        pid: process.pid,
        host: hostname(),
        startedAt: new Date().toISOString(),
        command: process.argv.slice(1).join(' '),
      };
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      return () => {
        try {
          if (readHolder(path)?.pid === process.pid) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      const stale = holder === undefined || (holder.host === hostname() && !isAlive(holder.pid));
      if (!stale) {
        const who = holder.pid === process.pid ? 'this same process' : `process ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.startedAt})`;
        throw new StoreError(
          `the embedded store ${dir} is in use by ${who}. chDB lets one process use a data directory at a time: ` +
            'wait for it to finish, stop it, or use another --store directory.',
          false,
        );
      }
      try {
        unlinkSync(path);
      } catch {
        // Another process took it over first; the next attempt will see its lock.
      }
    }
  }
  throw new StoreError(`could not take the lock ${path}; remove it if no journeys process is running`, false);
}
