import type { SessionSnapshot, Tombstone } from './sessionizer.js';
import type { StagedPoint } from './funnel-progress.js';
import { emptyProgressColumns, progressColumns, type ProgressColumns, type ProgressContext } from './progress-columns.js';
import { touchpointPath } from '../journey/clean-touchpoint.js';

export type { AbandonmentOutcome } from './progress-columns.js';

/** A session as stored: one row of the `sessions` table (times in ms since the epoch). */
export interface SessionRecord extends ProgressColumns {
  session_id: string;
  version: number;
  is_deleted: 0 | 1;
  is_open: 0 | 1;
  pipeline: string;
  /** The stream that sessionized it (`files`, a Kafka partition). */
  stream: string;
  key: string;
  source_session_id: string;
  start: number;
  end: number;
  event_count: number;
  path_stages: string[];
  path_times: number[];
  /** The touchpoints in order, ids in paths replaced, repeats collapsed, at most 100 (docs/semantics.md, "Touchpoint paths"). */
  touchpoint_path: string[];
  exit_stage: string;
  entry_channel: string;
  entry_campaign: string;
  entry_touchpoint: string;
  exit_touchpoint: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  segment: string;
}

/** Where a session is written, and what its progress is measured against (the session is its own window). */
export interface RecordContext extends ProgressContext {
  pipeline: string;
  stream: string;
}

/** Tombstones outrank every live version, so a vanished session id never comes back. */
export const TOMBSTONE_VERSION = 2 ** 52;

/** Builds the stored record of a session from its ordered events. */
export function buildSessionRecord(snapshot: SessionSnapshot, ctx: RecordContext): SessionRecord {
  const events = snapshot.events;
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const points: StagedPoint[] = [];
  const pathStages: string[] = [];
  const pathTimes: number[] = [];
  for (const event of events) {
    if (event.stageIndex === 0 && !event.exclusionIndex) continue;
    points.push({ timestampMs: event.timestampMs, stageIndex: event.stageIndex, exclusionIndex: event.exclusionIndex ?? 0 });
    if (event.stageIndex === 0) continue;
    const name = ctx.stageNames[event.stageIndex - 1]!;
    if (pathStages[pathStages.length - 1] !== name) {
      pathStages.push(name);
      pathTimes.push(event.timestampMs);
    }
  }
  const progress = progressColumns(points, snapshot.closed, ctx);
  const outcomesKnown = progress.abandonment_outcomes.every((o) => o !== 'pending');
  return {
    session_id: snapshot.sessionId,
    version: events.length * 4 + (snapshot.closed ? 2 : 0) + (outcomesKnown ? 1 : 0),
    is_deleted: 0,
    is_open: snapshot.closed ? 0 : 1,
    pipeline: ctx.pipeline,
    stream: ctx.stream,
    key: snapshot.key,
    source_session_id: first.meta.sourceSessionId,
    start: first.timestampMs,
    end: last.timestampMs,
    event_count: events.length,
    path_stages: pathStages,
    path_times: pathTimes,
    ...progress,
    touchpoint_path: touchpointPath(events.map((event) => event.touchpoint)),
    exit_stage: pathStages[pathStages.length - 1] ?? '',
    entry_channel: first.meta.channel,
    entry_campaign: first.meta.campaign,
    entry_touchpoint: first.touchpoint,
    exit_touchpoint: last.touchpoint,
    device: first.meta.device,
    browser: first.meta.browser,
    os: first.meta.os,
    country: first.meta.country,
    segment: first.meta.segment,
  };
}

/** The row that retires a session id (ReplacingMergeTree keeps it over any live version). */
export function buildTombstone(tombstone: Tombstone, where: { pipeline: string; stream: string }): SessionRecord {
  return {
    session_id: tombstone.sessionId,
    version: TOMBSTONE_VERSION,
    is_deleted: 1,
    is_open: 0,
    pipeline: where.pipeline,
    stream: where.stream,
    key: tombstone.key,
    source_session_id: '',
    start: tombstone.startMs,
    end: tombstone.startMs,
    event_count: 0,
    path_stages: [],
    path_times: [],
    ...emptyProgressColumns(),
    touchpoint_path: [],
    exit_stage: '',
    entry_channel: '',
    entry_campaign: '',
    entry_touchpoint: '',
    exit_touchpoint: '',
    device: '',
    browser: '',
    os: '',
    country: '',
    segment: '',
  };
}
