import { compareSessionEvents, internMeta, sameMeta, type SessionEvent } from './session-event.js';
import { closesAfterMs, splitSessions, startsNewSession, type SplitSettings } from './split-sessions.js';
import { sessionIdOf } from './session-id.js';
import { EventColumns } from './event-columns.js';
import { MinQueue } from '../core/min-queue.js';

/** A session as it leaves the sessionizer: its events in order, and whether it is final. */
export interface SessionSnapshot {
  key: string;
  groupKey: string;
  events: SessionEvent[];
  sessionId: string;
  /** false for a provisional snapshot of a still-open session. */
  closed: boolean;
}

/** A session id written earlier (provisionally) that no longer exists after events moved. */
export interface Tombstone {
  sessionId: string;
  key: string;
  startMs: number;
}

export type AddOutcome = 'accepted' | 'duplicate' | 'late';

/**
 * How far apart in event time the sessionizer itself recognises two copies
 * of one message (by the 31-bit id hash): retries differ by the difference
 * of their network delays, because the skew correction subtracts the wait.
 */
const RETRY_TIME_WINDOW_MS = 5 * 60_000;

/** An open group as a checkpoint records it: enough to restore it from the stored events. */
export interface OpenGroupState {
  groupKey: string;
  key: string;
  /** Time of the group's first open event. */
  fromMs: number;
  /** Provisional session ids written for the group, with their start times. */
  sessionIds: string[];
  sessionStarts: number[];
}

interface OpenGroup {
  key: string;
  events: EventColumns;
  /** Index in `events` where each open session starts. */
  starts: number[];
  /**
   * Ids of this group's sessions already written provisionally, with their
   * start time; undefined while there are none (most groups), to keep an
   * open session small.
   */
  persisted: Map<string, number> | undefined;
  /** The deadline queued for the group (a lower bound of its first session's closing time). */
  deadlineMs: number;
}

/**
 * Event-time sessionizer for one stream (one Kafka partition, or a file run).
 * Pure: no clock, no I/O. Sessions close when the watermark passes them; an
 * event that may belong to an already closed session is reported `late`, and
 * the runner repairs that key from stored events (nothing is lost, nothing
 * counted twice). Memory is bounded by the open sessions.
 */
export class Sessionizer {
  private readonly groups = new Map<string, OpenGroup>();
  /**
   * Group keys by a lower bound of when their first session closes: `advance`
   * visits only the groups that may have a session to close, not every open
   * group. Entries go stale (the group closed, or a nearer deadline was queued);
   * each one taken is checked against its group.
   */
  private readonly deadlines = new MinQueue<string>();
  private maxEventMs = -Infinity;
  /** The watermark that closed sessions: an event before it may belong to a closed session. */
  private closedWatermarkMs: number;
  private readonly tombstones: Tombstone[] = [];

  constructor(
    private readonly settings: SplitSettings & { allowedLatenessMs: number },
    state: { watermarkMs: number; maxEventMs: number } = { watermarkMs: -Infinity, maxEventMs: -Infinity },
  ) {
    this.closedWatermarkMs = state.watermarkMs;
    this.maxEventMs = state.maxEventMs;
  }

  get watermarkMs(): number {
    return this.closedWatermarkMs;
  }

  get newestEventMs(): number {
    return this.maxEventMs;
  }

  /** Identity (or source-session) groups with at least one open session: O(1), unlike openSessionCount. */
  get openGroupCount(): number {
    return this.groups.size;
  }

  get openSessionCount(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.starts.length;
    return count;
  }

  /** Adds one event of `groupKey` (identity key, or key + source session id). */
  add(key: string, groupKey: string, event: SessionEvent): AddOutcome {
    const group = this.groups.get(groupKey);
    const ts = event.timestampMs;
    if (ts < this.closedWatermarkMs && !(group && group.events.timeAt(0) <= ts)) return 'late';
    if (ts > this.maxEventMs) this.maxEventMs = ts;
    if (!group) {
      event.meta = internMeta(event.meta);
      const events = new EventColumns();
      events.push(event);
      const deadlineMs = closesAfterMs(ts, ts, this.settings);
      this.groups.set(groupKey, { key, events, starts: [0], persisted: undefined, deadlineMs });
      this.deadlines.push(deadlineMs, groupKey);
      return 'accepted';
    }
    const events = group.events;
    // A retried delivery of the same message: Segment's clock-skew correction
    // gives it a slightly different time (a new sentAt), so the same id (and
    // so the same stage) close by in time is the same event, whatever batch
    // each copy came in. Copies farther apart are the processor's to find.
    if (events.hasCopyNear(event, RETRY_TIME_WINDOW_MS)) return 'duplicate';
    const last = events.length - 1;
    // Consecutive events of a visitor nearly always share device, channel, country…: keep one copy.
    const lastMeta = events.metaAt(last);
    if (event.meta !== lastMeta) event.meta = sameMeta(event.meta, lastMeta) ? lastMeta : internMeta(event.meta);
    if (events.isAfterLast(event)) {
      // In-order fast path: append, maybe opening a new session after it. A
      // later event only delays the first session's close: the queued deadline stays a lower bound.
      const start = events.timeAt(group.starts[group.starts.length - 1]!);
      if (startsNewSession(start, events.timeAt(last), ts, this.settings)) group.starts.push(events.length);
      events.push(event);
      return 'accepted';
    }
    if (!events.insertSorted(event)) return 'duplicate';
    this.resplit(groupKey, group);
    // An earlier event can bring the first session's close forward.
    const deadlineMs = this.firstDeadlineMs(group);
    if (deadlineMs < group.deadlineMs) this.queue(groupKey, group, deadlineMs);
    return 'accepted';
  }

  /**
   * Moves the watermark to (newest event time − allowed lateness), or to
   * `idleWatermarkMs` when the input has been quiet (a live stream must close
   * sessions without new traffic), and returns the sessions that closed:
   * about `maxSessions` at most (whole groups), the rest at the next call.
   */
  advance(idleWatermarkMs = -Infinity, maxSessions = Infinity): SessionSnapshot[] {
    const watermark = Math.max(this.closedWatermarkMs, this.maxEventMs - this.settings.allowedLatenessMs, idleWatermarkMs);
    this.closedWatermarkMs = watermark;
    const closed: SessionSnapshot[] = [];
    while (closed.length < maxSessions && this.deadlines.peekPriority() < watermark) {
      const queuedMs = this.deadlines.peekPriority();
      const groupKey = this.deadlines.pop()!;
      const group = this.groups.get(groupKey);
      // Stale: the group closed, or a nearer deadline was queued for it since.
      if (!group || group.deadlineMs !== queuedMs) continue;
      const events = group.events;
      let closedCount = 0;
      while (closedCount < group.starts.length) {
        const from = group.starts[closedCount]!;
        const to = group.starts[closedCount + 1] ?? events.length;
        if (!(watermark > closesAfterMs(events.timeAt(from), events.timeAt(to - 1), this.settings))) break;
        const sessionEvents = events.slice(from, to);
        const sessionId = sessionIdOf(groupKey, sessionEvents[0]!);
        group.persisted?.delete(sessionId);
        closed.push({ key: group.key, groupKey, events: sessionEvents, sessionId, closed: true });
        closedCount++;
      }
      if (closedCount === group.starts.length) {
        this.groups.delete(groupKey);
        continue;
      }
      if (closedCount > 0) {
        const cut = group.starts[closedCount]!;
        events.dropFirst(cut);
        group.starts = group.starts.slice(closedCount).map((start) => start - cut);
      }
      // Later events delayed the close: wait for the true deadline.
      this.queue(groupKey, group, this.firstDeadlineMs(group));
    }
    return closed;
  }

  /**
   * The checkpoint of open state: the open groups to restore them by and,
   * with `provisional`, a snapshot of every open session (marked as written
   * from now on, so a later change of its id leaves a tombstone).
   */
  snapshotOpen(options: { provisional: boolean } = { provisional: true }): { sessions: SessionSnapshot[]; groups: OpenGroupState[] } {
    const sessions = options.provisional ? [...this.provisionalSnapshots(Infinity)].flat() : [];
    return { sessions, groups: this.openGroupStates() };
  }

  /**
   * Snapshots of every open session, `sessionsPerChunk` at a time, each
   * marked as written from now on. In chunks because a burst can hold
   * millions of open sessions: built all at once, their records and rows
   * cost several KB each on top of the few hundred bytes an open session
   * takes, and a checkpoint ran out of memory where the stream itself fit.
   */
  *provisionalSnapshots(sessionsPerChunk: number): Generator<SessionSnapshot[]> {
    let chunk: SessionSnapshot[] = [];
    for (const [groupKey, group] of this.groups) {
      for (let i = 0; i < group.starts.length; i++) {
        const events = group.events.slice(group.starts[i]!, group.starts[i + 1] ?? group.events.length);
        const sessionId = sessionIdOf(groupKey, events[0]!);
        (group.persisted ??= new Map()).set(sessionId, events[0]!.timestampMs);
        chunk.push({ key: group.key, groupKey, events, sessionId, closed: false });
      }
      if (chunk.length >= sessionsPerChunk) {
        yield chunk;
        chunk = [];
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  /** The open groups as a checkpoint records them (after `provisionalSnapshots`, with the ids it marked). */
  openGroupStates(): OpenGroupState[] {
    const groups: OpenGroupState[] = [];
    for (const [groupKey, group] of this.groups) {
      groups.push({
        groupKey,
        key: group.key,
        fromMs: group.events.timeAt(0),
        sessionIds: [...(group.persisted?.keys() ?? [])],
        sessionStarts: [...(group.persisted?.values() ?? [])],
      });
    }
    return groups;
  }

  /**
   * Removes open groups (for a repair): returns the ids of theirs written so
   * far, and the time span their events cover.
   */
  evict(groupKeys: Iterable<string>): { written: Tombstone[]; fromMs: number; toMs: number } {
    const evicted = { written: [] as Tombstone[], fromMs: Infinity, toMs: -Infinity };
    for (const groupKey of groupKeys) {
      const group = this.groups.get(groupKey);
      if (!group) continue;
      for (const [sessionId, startMs] of group.persisted ?? []) evicted.written.push({ sessionId, key: group.key, startMs });
      evicted.fromMs = Math.min(evicted.fromMs, group.events.timeAt(0));
      evicted.toMs = Math.max(evicted.toMs, group.events.timeAt(group.events.length - 1));
      this.groups.delete(groupKey);
    }
    return evicted;
  }

  /** Puts a group's open events back (after a restart or a repair). */
  restore(key: string, groupKey: string, events: SessionEvent[], persisted: Map<string, number>): void {
    const columns = EventColumns.from([...events].sort(compareSessionEvents));
    for (const ts of columns.timestamps()) if (ts > this.maxEventMs) this.maxEventMs = ts;
    const starts = splitSessions(columns.timestamps(), this.settings);
    const group: OpenGroup = { key, events: columns, starts, persisted: persisted.size > 0 ? persisted : undefined, deadlineMs: Infinity };
    this.groups.set(groupKey, group);
    this.queue(groupKey, group, this.firstDeadlineMs(group));
  }

  /** Group keys currently open for an identity key. */
  openGroupKeysOf(key: string): string[] {
    const keys: string[] = [];
    for (const [groupKey, group] of this.groups) if (group.key === key) keys.push(groupKey);
    return keys;
  }

  /** Tombstones produced since the last call (provisional sessions whose id changed). */
  takeTombstones(): Tombstone[] {
    return this.tombstones.splice(0, this.tombstones.length);
  }

  /** When the group's first open session closes, if no event joins it. */
  private firstDeadlineMs(group: OpenGroup): number {
    const end = group.starts[1] ?? group.events.length;
    return closesAfterMs(group.events.timeAt(group.starts[0]!), group.events.timeAt(end - 1), this.settings);
  }

  private queue(groupKey: string, group: OpenGroup, deadlineMs: number): void {
    group.deadlineMs = deadlineMs;
    this.deadlines.push(deadlineMs, groupKey);
  }

  private resplit(groupKey: string, group: OpenGroup): void {
    group.starts = splitSessions(group.events.timestamps(), this.settings);
    if (!group.persisted) return;
    const current = new Set(group.starts.map((start) => sessionIdOf(groupKey, group.events.eventAt(start))));
    for (const [sessionId, startMs] of group.persisted) {
      if (current.has(sessionId)) continue;
      group.persisted.delete(sessionId);
      this.tombstones.push({ sessionId, key: group.key, startMs });
    }
  }
}
