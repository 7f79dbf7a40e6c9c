import type { Store } from '../stores/store.js';
import type { Sessionizer, SessionSnapshot, Tombstone } from '../sessions/sessionizer.js';
import { compareSessionEvents, type SessionEvent } from '../sessions/session-event.js';
import { closesAfterMs, splitSessions } from '../sessions/split-sessions.js';
import { sessionIdOf } from '../sessions/session-id.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { extent } from '../core/extent.js';
import { readStoredEvents, readStoredSessions, type StoredSessionSpan } from './stored-state.js';

export interface RepairResult {
  closed: SessionSnapshot[];
  tombstones: Tombstone[];
}

interface KeyRange {
  fromMs: number;
  toMs: number;
}

/**
 * Re-sessionizes the identity keys that received late events, from the stored
 * events (the late events are already written). The sessions those events can
 * touch — stored ones within the inactivity gap, and the key's open ones — are
 * rebuilt exactly as a single in-order pass would have built them; ids that no
 * longer exist get tombstones; sessions still open go back to the sessionizer.
 */
export async function repairKeys(
  store: Store,
  pipeline: CompiledPipeline,
  stream: string,
  sessionizer: Sessionizer,
  lateTimesByKey: Map<string, number[]>,
): Promise<RepairResult> {
  const keys = [...lateTimesByKey.keys()];
  if (keys.length === 0) return { closed: [], tombstones: [] };
  const { inactivityGapMs, maxDurationMs } = pipeline.split;
  const late = extent([...lateTimesByKey.values()].flat());
  const reachMs = inactivityGapMs + maxDurationMs;
  const stored = await readStoredSessions(store, {
    pipeline: pipeline.name,
    stream,
    keys,
    fromMs: late.min - reachMs,
    toMs: late.max + reachMs,
  });
  const storedByKey = groupBy(stored, (span) => span.key);

  const ranges = new Map<string, KeyRange>();
  const previousIds: Tombstone[] = [];
  for (const key of keys) {
    const groupKeys = sessionizer.openGroupKeysOf(key);
    const evicted = sessionizer.evict(groupKeys);
    previousIds.push(...evicted.written);
    const times = lateTimesByKey.get(key)!;
    const own = extent(times);
    const range: KeyRange = { fromMs: own.min, toMs: own.max };
    widen(range, evicted.fromMs, evicted.toMs);
    for (const span of touching(storedByKey.get(key) ?? [], range, inactivityGapMs)) {
      widen(range, span.startMs, span.endMs);
      previousIds.push({ sessionId: span.session_id, key, startMs: span.startMs });
    }
    ranges.set(key, range);
  }

  const fromMs = extent([...ranges.values()].map((r) => r.fromMs)).min;
  const toMs = extent([...ranges.values()].map((r) => r.toMs)).max;
  const events = await readStoredEvents(store, { pipeline: pipeline.name, stream, keys, fromMs, toMs, useSourceSessionId: pipeline.useSourceSessionId });
  const byGroup = new Map<string, { key: string; events: SessionEvent[] }>();
  for (const stored of events) {
    const range = ranges.get(stored.key)!;
    if (stored.event.timestampMs < range.fromMs || stored.event.timestampMs > range.toMs) continue;
    const group = byGroup.get(stored.groupKey) ?? { key: stored.key, events: [] };
    group.events.push(stored.event);
    byGroup.set(stored.groupKey, group);
  }

  const closed: SessionSnapshot[] = [];
  const liveIds = new Set<string>();
  const previousById = new Map(previousIds.map((t) => [t.sessionId, t]));
  for (const [groupKey, group] of byGroup) {
    const sorted = dedupe(group.events.sort(compareSessionEvents));
    const starts = splitSessions(sorted.map((event) => event.timestampMs), pipeline.split);
    const open: SessionEvent[] = [];
    const openIds = new Map<string, number>();
    starts.forEach((from, i) => {
      const session = sorted.slice(from, starts[i + 1] ?? sorted.length);
      const sessionId = sessionIdOf(groupKey, session[0]!);
      liveIds.add(sessionId);
      const closesAt = closesAfterMs(session[0]!.timestampMs, session[session.length - 1]!.timestampMs, pipeline.split);
      if (sessionizer.watermarkMs > closesAt) {
        closed.push({ key: group.key, groupKey, events: session, sessionId, closed: true });
      } else {
        open.push(...session);
        if (previousById.has(sessionId)) openIds.set(sessionId, session[0]!.timestampMs);
      }
    });
    if (open.length > 0) sessionizer.restore(group.key, groupKey, open, openIds);
  }
  const tombstones = [...previousById.values()].filter((t) => !liveIds.has(t.sessionId));
  return { closed, tombstones };
}

function widen(range: KeyRange, fromMs: number, toMs: number): void {
  if (fromMs < range.fromMs) range.fromMs = fromMs;
  if (toMs > range.toMs) range.toMs = toMs;
}

/** Stored sessions within the inactivity gap of the range, widening it until nothing more joins. */
function touching(spans: StoredSessionSpan[], range: KeyRange, gapMs: number): StoredSessionSpan[] {
  const taken: StoredSessionSpan[] = [];
  const rest = [...spans];
  let grew = true;
  while (grew) {
    grew = false;
    for (let i = rest.length - 1; i >= 0; i--) {
      const span = rest[i]!;
      if (span.endMs >= range.fromMs - gapMs && span.startMs <= range.toMs + gapMs) {
        taken.push(span);
        widen(range, span.startMs, span.endMs);
        rest.splice(i, 1);
        grew = true;
      }
    }
  }
  return taken;
}

function dedupe(sorted: SessionEvent[]): SessionEvent[] {
  return sorted.filter((event, i) => {
    const previous = sorted[i - 1];
    return !previous || previous.timestampMs !== event.timestampMs || previous.idHash !== event.idHash || previous.stageIndex !== event.stageIndex;
  });
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
