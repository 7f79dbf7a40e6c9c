import type { Store } from '../stores/store.js';
import type { Sessionizer } from '../sessions/sessionizer.js';
import type { SessionEvent } from '../sessions/session-event.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { readStoredEvents, type CheckpointGroup } from './stored-state.js';
import { extent } from '../core/extent.js';

/**
 * Brings back the groups that were open at the stream's last checkpoint: their
 * events come from `events` (from each group's first open event on, so events
 * written after the checkpoint are included and a replay of them counts as
 * duplicates), and their provisional session ids come back as "written".
 * Only the checkpoint's groups are read: a restart never replays a long
 * session from its first event through the source.
 */
export async function restoreOpenGroups(
  store: Store,
  pipeline: CompiledPipeline,
  stream: string,
  sessionizer: Sessionizer,
  groups: readonly CheckpointGroup[],
): Promise<number> {
  if (groups.length === 0) return 0;
  const byGroupKey = new Map(groups.map((group) => [group.groupKey, { group, events: [] as SessionEvent[] }]));
  const events = await readStoredEvents(store, {
    pipeline: pipeline.name,
    stream,
    keys: [...new Set(groups.map((group) => group.key))],
    fromMs: extent(groups.map((group) => group.fromMs)).min,
    toMs: Number.MAX_SAFE_INTEGER,
    useSourceSessionId: pipeline.useSourceSessionId,
  });
  for (const stored of events) {
    const entry = byGroupKey.get(stored.groupKey);
    if (entry && stored.event.timestampMs >= entry.group.fromMs) entry.events.push(stored.event);
  }
  let restored = 0;
  for (const { group, events: groupEvents } of byGroupKey.values()) {
    if (groupEvents.length === 0) continue;
    const persisted = new Map(group.sessionIds.map((id, i) => [id, group.sessionStarts[i]!] as const));
    sessionizer.restore(group.key, group.groupKey, groupEvents, persisted);
    restored++;
  }
  return restored;
}
