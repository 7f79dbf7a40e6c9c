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
 * Splits one group's events (their times, in session order, duplicates
 * removed) into sessions. Returns the index where each session starts.
 */
export function splitSessions(timestamps: readonly number[], settings: SplitSettings): number[] {
  const starts: number[] = [];
  let startMs = 0;
  for (let i = 0; i < timestamps.length; i++) {
    const ts = timestamps[i]!;
    if (i === 0 || startsNewSession(startMs, timestamps[i - 1]!, ts, settings)) {
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
