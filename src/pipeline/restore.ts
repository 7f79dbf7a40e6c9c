import type { Store } from '../stores/store.js';
import type { Sessionizer } from '../sessions/sessionizer.js';
import { groupKeyOf, type SessionEvent } from '../sessions/session-event.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { readStoredEvents, readStoredSessions } from './stored-state.js';
import { extent } from '../core/extent.js';

/**
 * Brings back the open sessions a previous run left provisional: their ids
 * from `sessions` (is_open = 1) and their events from `events`. That is the
 * checkpoint of open-session state — no separate state blob to keep in sync.
 */
export async function restoreOpenSessions(store: Store, pipeline: CompiledPipeline, sessionizer: Sessionizer): Promise<number> {
  const open = await readStoredSessions(store, { pipeline: pipeline.name, openOnly: true });
  if (open.length === 0) return 0;
  const groups = new Map<string, { key: string; fromMs: number; persisted: Map<string, number>; events: SessionEvent[] }>();
  for (const span of open) {
    const groupKey = groupKeyOf(span.key, span.source_session_id, pipeline.useSourceSessionId);
    const group = groups.get(groupKey) ?? { key: span.key, fromMs: Infinity, persisted: new Map(), events: [] };
    group.fromMs = Math.min(group.fromMs, span.startMs);
    group.persisted.set(span.session_id, span.startMs);
    groups.set(groupKey, group);
  }
  const keys = [...new Set(open.map((span) => span.key))];
  const events = await readStoredEvents(store, {
    pipeline: pipeline.name,
    keys,
    fromMs: extent(open.map((span) => span.startMs)).min,
    toMs: Number.MAX_SAFE_INTEGER,
    useSourceSessionId: pipeline.useSourceSessionId,
  });
  for (const stored of events) {
    const group = groups.get(stored.groupKey);
    if (group && stored.event.timestampMs >= group.fromMs) group.events.push(stored.event);
  }
  for (const [groupKey, group] of groups) {
    if (group.events.length > 0) sessionizer.restore(group.key, groupKey, group.events, group.persisted);
  }
  return open.length;
}
