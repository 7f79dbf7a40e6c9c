import type { SessionEvent } from './session-event.js';

export interface SplitSettings {
  inactivityGapMs: number;
  maxDurationMs: number;
  /** When sessions follow the source's session id, inactivity does not split them. */
  splitOnInactivity: boolean;
}

/**
 * Whether `next` (sorted after the session's last event) must start a new
 * session: a gap strictly longer than the inactivity gap, or the session would
 * outlast its maximum duration.
 */
export function startsNewSession(sessionStartMs: number, lastMs: number, nextMs: number, settings: SplitSettings): boolean {
  return (settings.splitOnInactivity && nextMs - lastMs > settings.inactivityGapMs) || nextMs - sessionStartMs > settings.maxDurationMs;
}

/**
 * Splits one group's events (sorted by compareSessionEvents, duplicates
 * removed) into sessions. Returns the index where each session starts.
 */
export function splitSessions(events: readonly SessionEvent[], settings: SplitSettings): number[] {
  const starts: number[] = [];
  let startMs = 0;
  for (let i = 0; i < events.length; i++) {
    const ts = events[i]!.timestampMs;
    if (i === 0 || startsNewSession(startMs, events[i - 1]!.timestampMs, ts, settings)) {
      starts.push(i);
      startMs = ts;
    }
  }
  return starts;
}

/**
 * The time after which no on-time event can join a session: a watermark past
 * it closes the session.
 */
export function closesAfterMs(startMs: number, lastMs: number, settings: SplitSettings): number {
  return Math.min(lastMs + settings.inactivityGapMs, startMs + settings.maxDurationMs);
}

/** Sorted insert that reports an exact duplicate (same time and id hash) instead of inserting it. */
export function insertSorted(
  events: SessionEvent[],
  event: SessionEvent,
  compare: (a: SessionEvent, b: SessionEvent) => number,
): boolean {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(events[mid]!, event) <= 0) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && events[i]!.timestampMs === event.timestampMs; i--) {
    if (events[i]!.idHash === event.idHash) return false;
  }
  events.splice(lo, 0, event);
  return true;
}
