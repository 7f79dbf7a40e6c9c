import type { Store } from './store.js';
import { localTableOf } from './cluster-layout.js';

/** What `journeys migrate --events-ttl` asks for: a lifetime in seconds, or `off`. */
export type EventsTtl = { seconds: number } | 'off';

const MAX_TTL_SECONDS = 100 * 365 * 86_400;

/**
 * The statement that sets or removes the raw events' TTL, or undefined when
 * nothing changes. The TTL counts from `received_at`, not from the event
 * time: a backfill of last year's events is kept for the full TTL from the
 * day it was loaded instead of vanishing at the next merge. Sessions and
 * rollups have no TTL (they are small and are what the reports read); note
 * that a late event can only repair sessions whose events are still stored.
 * The number is a checked integer: a TTL expression cannot take parameters.
 */
export function eventsTtlStatement(options: { ttl: EventsTtl; current: string | undefined; cluster?: string | undefined }): string | undefined {
  const table = options.cluster ? `${localTableOf('events')} ON CLUSTER ${options.cluster}` : 'events';
  if (options.ttl === 'off') return options.current !== undefined ? `ALTER TABLE ${table} REMOVE TTL` : undefined;
  const seconds = options.ttl.seconds;
  if (!Number.isInteger(seconds) || seconds < 3_600 || seconds > MAX_TTL_SECONDS) {
    throw new Error(`the events TTL must be a whole number of seconds between 1 hour and 100 years (got ${seconds})`);
  }
  const expression = `toDateTime(received_at) + toIntervalSecond(${seconds})`;
  // The same TTL again would only rewrite every part for nothing.
  return options.current === expression ? undefined : `ALTER TABLE ${table} MODIFY TTL ${expression}`;
}

/** The TTL clause the events table has now (its engine_full), or undefined. */
export async function currentEventsTtl(store: Store, options: { cluster?: string | undefined }): Promise<string | undefined> {
  const rows = await store.query<{ engine_full: string }>(
    'SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    { table: options.cluster ? localTableOf('events') : 'events' },
  );
  const match = /\bTTL\s+(.*?)(?:\s+SETTINGS\b|$)/.exec(rows[0]?.engine_full ?? '');
  return match?.[1];
}
