import type { SessionSnapshot, Tombstone } from './sessionizer.js';
import type { SessionEvent } from './session-event.js';
import { furthestFunnel, orderedFunnel, type StagedPoint } from './funnel-level.js';

export type AbandonmentOutcome = 'not_started' | 'pending' | 'completed' | 'abandoned';

/** A session as stored: one row of the `sessions` table (times in ms since the epoch). */
export interface SessionRecord {
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
  ordered_level: number;
  ordered_reached: number[];
  furthest_level: number;
  furthest_reached: number[];
  furthest_stage: string;
  exit_stage: string;
  entry_channel: string;
  entry_campaign: string;
  entry_touchpoint: string;
  exit_touchpoint: string;
  converted: 0 | 1;
  abandonment_rules: string[];
  abandonment_outcomes: AbandonmentOutcome[];
  abandonment_started: number[];
  device: string;
  browser: string;
  os: string;
  country: string;
  segment: string;
}

export interface RecordContext {
  pipeline: string;
  stream: string;
  stageNames: readonly string[];
  /** 1-based index of the stage that counts as converted. */
  conversionStageIndex: number;
  abandonment: ReadonlyArray<{ name: string; fromIndex: number; toIndex: number; withinMs: number }>;
  /** Current watermark: an abandonment outcome is known once it passes the rule's window. */
  watermarkMs: number;
}

/** Tombstones outrank every live version, so a vanished session id never comes back. */
export const TOMBSTONE_VERSION = 2 ** 52;

function abandonmentOf(events: readonly SessionEvent[], closed: boolean, ctx: RecordContext) {
  const outcomes: AbandonmentOutcome[] = [];
  const started: number[] = [];
  for (const rule of ctx.abandonment) {
    const from = events.find((e) => e.stageIndex === rule.fromIndex);
    if (!from) {
      outcomes.push('not_started');
      started.push(0);
      continue;
    }
    const deadline = from.timestampMs + rule.withinMs;
    const done = events.some((e) => e.stageIndex === rule.toIndex && e.timestampMs >= from.timestampMs && e.timestampMs <= deadline);
    outcomes.push(done ? 'completed' : closed || ctx.watermarkMs > deadline ? 'abandoned' : 'pending');
    started.push(from.timestampMs);
  }
  return { outcomes, started };
}

/** Builds the stored record of a session from its ordered events. */
export function buildSessionRecord(snapshot: SessionSnapshot, ctx: RecordContext): SessionRecord {
  const events = snapshot.events;
  const first = events[0]!;
  const last = events[events.length - 1]!;
  const staged: StagedPoint[] = [];
  const pathStages: string[] = [];
  const pathTimes: number[] = [];
  for (const event of events) {
    if (event.stageIndex === 0) continue;
    staged.push({ timestampMs: event.timestampMs, stageIndex: event.stageIndex });
    const name = ctx.stageNames[event.stageIndex - 1]!;
    if (pathStages[pathStages.length - 1] !== name) {
      pathStages.push(name);
      pathTimes.push(event.timestampMs);
    }
  }
  const stageCount = ctx.stageNames.length;
  const ordered = orderedFunnel(staged, stageCount, Infinity);
  const furthest = furthestFunnel(staged, stageCount);
  const abandonment = abandonmentOf(events, snapshot.closed, ctx);
  const outcomesKnown = abandonment.outcomes.every((o) => o !== 'pending');
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
    ordered_level: ordered.level,
    ordered_reached: ordered.reachedAtMs,
    furthest_level: furthest.level,
    furthest_reached: furthest.reachedAtMs,
    furthest_stage: furthest.level > 0 ? ctx.stageNames[furthest.level - 1]! : '',
    exit_stage: pathStages[pathStages.length - 1] ?? '',
    entry_channel: first.meta.channel,
    entry_campaign: first.meta.campaign,
    entry_touchpoint: first.touchpoint,
    exit_touchpoint: last.touchpoint,
    converted: ordered.level >= ctx.conversionStageIndex ? 1 : 0,
    abandonment_rules: ctx.abandonment.map((rule) => rule.name),
    abandonment_outcomes: abandonment.outcomes,
    abandonment_started: abandonment.started,
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
    ordered_level: 0,
    ordered_reached: [],
    furthest_level: 0,
    furthest_reached: [],
    furthest_stage: '',
    exit_stage: '',
    entry_channel: '',
    entry_campaign: '',
    entry_touchpoint: '',
    exit_touchpoint: '',
    converted: 0,
    abandonment_rules: [],
    abandonment_outcomes: [],
    abandonment_started: [],
    device: '',
    browser: '',
    os: '',
    country: '',
    segment: '',
  };
}
