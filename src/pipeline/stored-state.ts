import type { Store } from '../stores/store.js';
import { eventIdHash, groupKeyOf, type EventMeta, type SessionEvent } from '../sessions/session-event.js';
import type { OpenGroupState } from '../sessions/sessionizer.js';

/** A stored event in the form an open session keeps, with its keys. */
export interface StoredSessionEvent {
  key: string;
  groupKey: string;
  event: SessionEvent;
}

interface EventRow {
  key: string;
  ts_ms: number | string;
  event_id: string;
  stage_index: number;
  exclusion_index: number;
  touchpoint: string;
  channel: string;
  campaign_name: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  segment: string;
  source_session_id: string;
}

/** Reads what sessionization needs of the stored events of `keys` in [fromMs, toMs]. */
export async function readStoredEvents(
  store: Store,
  options: { pipeline: string; stream: string; keys: string[]; fromMs: number; toMs: number; useSourceSessionId: boolean },
): Promise<StoredSessionEvent[]> {
  if (options.keys.length === 0) return [];
  const rows = await store.query<EventRow>(
    `SELECT key, toUnixTimestamp64Milli(ts) AS ts_ms, event_id, stage_index, exclusion_index, touchpoint, channel, campaign_name,
            device, browser, os, country, segment, source_session_id
       FROM events FINAL
      WHERE pipeline = {pipeline:String} AND stream = {stream:String} AND key IN {keys:Array(String)}
        AND ts >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND ts <= fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')`,
    { pipeline: options.pipeline, stream: options.stream, keys: options.keys, from_ms: clampMs(options.fromMs), to_ms: clampMs(options.toMs) },
  );
  return rows.map((row) => {
    const meta: EventMeta = {
      channel: row.channel,
      campaign: row.campaign_name,
      device: row.device,
      browser: row.browser,
      os: row.os,
      country: row.country,
      segment: row.segment,
      sourceSessionId: row.source_session_id,
    };
    const event: SessionEvent = {
      timestampMs: Number(row.ts_ms),
      stageIndex: row.stage_index,
      idHash: eventIdHash(row.event_id),
      touchpoint: row.touchpoint,
      meta,
    };
    // As toSessionEvent: present only on exclusion events.
    if (row.exclusion_index > 0) event.exclusionIndex = Number(row.exclusion_index);
    return { key: row.key, groupKey: groupKeyOf(row.key, row.source_session_id, options.useSourceSessionId), event };
  });
}

/** Ids among `eventIds` that the store already holds for these keys. */
export async function readStoredEventIds(store: Store, pipeline: string, keys: string[], eventIds: string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await store.query<{ event_id: string }>(
    `SELECT DISTINCT event_id FROM events
      WHERE pipeline = {pipeline:String} AND key IN {keys:Array(String)} AND event_id IN {ids:Array(String)}`,
    { pipeline, keys, ids: eventIds },
  );
  return new Set(rows.map((row) => row.event_id));
}

export interface StoredSessionSpan {
  session_id: string;
  key: string;
  source_session_id: string;
  startMs: number;
  endMs: number;
}

/** Live (not deleted) sessions of one stream's `keys` overlapping [fromMs, toMs]. */
export async function readStoredSessions(
  store: Store,
  options: { pipeline: string; stream: string; keys: string[]; fromMs: number; toMs: number },
): Promise<StoredSessionSpan[]> {
  const conditions = ['pipeline = {pipeline:String}', 'stream = {stream:String}', 'is_deleted = 0', 'key IN {keys:Array(String)}'];
  const params: Record<string, unknown> = { pipeline: options.pipeline, stream: options.stream, keys: options.keys };
  conditions.push("end >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')");
  params['from_ms'] = clampMs(options.fromMs);
  conditions.push("start <= fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')");
  params['to_ms'] = clampMs(options.toMs);
  const rows = await store.query<{ session_id: string; key: string; source_session_id: string; start_ms: string | number; end_ms: string | number }>(
    `SELECT session_id, key, source_session_id, toUnixTimestamp64Milli(start) AS start_ms, toUnixTimestamp64Milli(end) AS end_ms
       FROM sessions FINAL WHERE ${conditions.join(' AND ')}`,
    params,
  );
  return rows.map((row) => ({
    session_id: row.session_id,
    key: row.key,
    source_session_id: row.source_session_id,
    startMs: Number(row.start_ms),
    endMs: Number(row.end_ms),
  }));
}

/** Stored times are DateTime64 (years 1900–2299); keep range bounds inside it. */
function clampMs(ms: number): number {
  return Math.max(-2_208_988_800_000, Math.min(10_413_791_999_000, Math.round(ms)));
}

/** An open group at a checkpoint, with the provisional session ids written for it. */
export type CheckpointGroup = OpenGroupState;

export interface StreamState {
  watermarkMs: number;
  maxEventMs: number;
  openGroups: CheckpointGroup[];
  /** Days (UTC midnight, ms) whose rollups wait for a rebuild. */
  dirtyDays: number[];
}

export async function readStreamState(store: Store, pipeline: string, stream: string): Promise<StreamState | undefined> {
  const rows = await store.query<{ watermark_ms: string | number; max_event_ms: string | number; open_groups: string; dirty_days: Array<string | number> }>(
    `SELECT watermark_ms, max_event_ms, open_groups, dirty_days FROM stream_state FINAL
      WHERE pipeline = {pipeline:String} AND stream = {stream:String}`,
    { pipeline, stream },
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    watermarkMs: Number(row.watermark_ms),
    maxEventMs: Number(row.max_event_ms),
    openGroups: row.open_groups ? (JSON.parse(row.open_groups) as CheckpointGroup[]) : [],
    dirtyDays: row.dirty_days.map(Number),
  };
}

let lastUpdatedAtMs = 0;

const STREAM_STATE_COLUMNS = ['pipeline', 'stream', 'watermark_ms', 'max_event_ms', 'open_groups', 'dirty_days', 'updated_at'] as const;

/**
 * Written as an inserted row, not a statement with parameters: a burst can
 * leave hundreds of thousands of open groups, and a query parameter of that
 * size cost ClickHouse ~4 KB of memory per group (1.3 GB for 300k) where the
 * insert parser streams it. The groups go in as a JSON array, read into the
 * String column as their JSON text.
 */
export async function writeStreamState(store: Store, pipeline: string, stream: string, state: StreamState): Promise<void> {
  const finite = (ms: number) => (Number.isFinite(ms) ? Math.round(ms) : -1);
  // The version of the row: later writes of this process must win even if the clock steps back.
  lastUpdatedAtMs = Math.max(Date.now(), lastUpdatedAtMs + 1);
  const row = [pipeline, stream, finite(state.watermarkMs), finite(state.maxEventMs), state.openGroups, state.dirtyDays, lastUpdatedAtMs];
  await store.insertCompactRows('stream_state', STREAM_STATE_COLUMNS, JSON.stringify(row));
}
