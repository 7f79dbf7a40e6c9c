import { stableId } from '../core/hash.js';
import type { SessionEvent } from './session-event.js';

/**
 * session_id = hash(group key, first event's time and id hash): the same
 * events give the same id whatever the batch boundaries or arrival order.
 */
export function sessionIdOf(groupKey: string, first: SessionEvent): string {
  return stableId(groupKey, String(first.timestampMs), String(first.idHash));
}
