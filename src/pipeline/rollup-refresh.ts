import type { Store } from '../stores/store.js';
import { readSql } from '../stores/sql-files.js';
import { toClickHouseDateTime } from '../stores/datetime.js';

const DAY_MS = 86_400_000;
const ROLLUPS = ['funnel_hourly', 'abandonment_5m', 'stage_transitions_hourly'] as const;
const PIPELINE_NAME = /^[a-z][a-z0-9_-]*$/;

/** UTC days (as the ms of their midnight) a session from startMs to endMs touches. */
export function daysTouched(startMs: number, endMs: number): number[] {
  const days: number[] = [];
  for (let day = Math.floor(startMs / DAY_MS) * DAY_MS; day <= endMs; day += DAY_MS) days.push(day);
  return days;
}

function yyyymmdd(dayMs: number): number {
  const date = new Date(dayMs);
  return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

/**
 * Rebuilds the rollups of the given days from `sessions FINAL`: each
 * (pipeline, day) partition is computed into the staging twin and swapped in
 * atomically, or dropped when no session is left. Safe to run any number of
 * times; a crash in between leaves the previous partition in place.
 */
export async function refreshRollups(
  store: Store,
  options: { pipeline: string; stageNames: readonly string[]; days: Iterable<number>; onDay?: (done: number, total: number) => void },
): Promise<number> {
  if (!PIPELINE_NAME.test(options.pipeline)) throw new Error(`invalid pipeline name ${options.pipeline}`);
  const days = [...new Set(options.days)].sort((a, b) => a - b);
  const sql = Object.fromEntries(ROLLUPS.map((table) => [table, readSql(`rollups/${table}.sql`)]));
  let done = 0;
  for (const dayMs of days) {
    // Partition ids come from a validated pipeline name and a computed integer, never from raw input.
    const partition = `tuple('${options.pipeline}', ${yyyymmdd(dayMs)})`;
    for (const table of ROLLUPS) {
      await store.command(`TRUNCATE TABLE ${table}_staging`);
      await store.command(sql[table]!, {
        pipeline: options.pipeline,
        stage_names: options.stageNames,
        day_start: toClickHouseDateTime(dayMs),
        day_end: toClickHouseDateTime(dayMs + DAY_MS),
      });
      const [row] = await store.query<{ rows: number | string }>(`SELECT count() AS rows FROM ${table}_staging`);
      if (Number(row?.rows ?? 0) > 0) {
        await store.command(`ALTER TABLE ${table} REPLACE PARTITION ${partition} FROM ${table}_staging`);
      } else {
        await store.command(`ALTER TABLE ${table} DROP PARTITION ${partition}`);
      }
    }
    options.onDay?.(++done, days.length);
  }
  return days.length;
}
