import type { EventMeta, SessionEvent } from './session-event.js';

const STAGE_SLOTS = 256;
/** Exclusion indexes 0..31 (a definition has at most 31 stages). */
const EXCLUSION_SLOTS = 32;
const ID_HASH_UNIT = STAGE_SLOTS * EXCLUSION_SLOTS;

/**
 * One number per event for what the columns keep besides its time:
 * (idHash × 32 + exclusion) × 256 + stage. A 31-bit hash makes it < 2^44,
 * exact in a double; the time is already a double, so the column's memory
 * is the same with or without exclusions.
 */
function codeOf(event: SessionEvent): number {
  return (event.idHash * EXCLUSION_SLOTS + (event.exclusionIndex ?? 0)) * STAGE_SLOTS + event.stageIndex;
}

function idHashOf(code: number): number {
  return Math.floor(code / ID_HASH_UNIT);
}
/**
 * Up to this many slots a column grows by exactly what is appended (concat
 * allocates the exact size); `push` would reserve 17 slots at once, which for
 * a typical 5–6 event session was most of its memory. Longer columns (bots,
 * long sessions) grow by push, amortised.
 */
const EXACT_GROWTH_LIMIT = 64;

function append<T>(column: T[], a: T, b: T): T[] {
  if (column.length >= EXACT_GROWTH_LIMIT) {
    column.push(a, b);
    return column;
  }
  return column.concat([a, b]);
}

/**
 * The events of one open group, stored in two interleaved columns: numbers
 * [time, code, time, code, …] (unboxed doubles; code = codeOf: id hash, exclusion, stage)
 * and references [touchpoint, meta, …]. An object per event costs ~90 bytes
 * in V8 (header, five fields, a boxed timestamp); this costs ~32, which is what
 * keeps an open session under 1 KB. Events are kept in the session order
 * (time, stage, id hash); `slice` hands out ordinary SessionEvent objects.
 */
export class EventColumns {
  private numbers: number[] = [];
  private references: Array<string | EventMeta> = [];

  static from(sorted: readonly SessionEvent[]): EventColumns {
    const columns = new EventColumns();
    for (const event of sorted) columns.push(event);
    return columns;
  }

  get length(): number {
    return this.numbers.length / 2;
  }

  timeAt(i: number): number {
    return this.numbers[2 * i]!;
  }

  metaAt(i: number): EventMeta {
    return this.references[2 * i + 1] as EventMeta;
  }

  push(event: SessionEvent): void {
    this.numbers = append(this.numbers, event.timestampMs, codeOf(event));
    this.references = append<string | EventMeta>(this.references, event.touchpoint, event.meta);
  }

  /** Whether `event` sorts strictly after the last event (the in-order fast path). */
  isAfterLast(event: SessionEvent): boolean {
    return this.length === 0 || event.timestampMs > this.timeAt(this.length - 1);
  }

  /**
   * Whether a copy of `event` (same id hash and stage) lies within `windowMs`
   * of its time. Only the 31-bit hash is kept here, so the check stays near
   * in time, where a collision between two real events is negligible;
   * copies farther apart are found by their full ids (the processor's
   * copy check). Scans back from the newest event, so an in-order arrival
   * looks at the few events of its last minutes only.
   */
  hasCopyNear(event: SessionEvent, windowMs: number): boolean {
    const code = codeOf(event);
    const from = event.timestampMs - windowMs;
    const to = event.timestampMs + windowMs;
    for (let i = this.length - 1; i >= 0; i--) {
      const time = this.numbers[2 * i]!;
      if (time < from) return false;
      if (time <= to && this.numbers[2 * i + 1] === code) return true;
    }
    return false;
  }

  /** Sorted insert; false (and nothing inserted) for an exact duplicate (same time and id hash). */
  insertSorted(event: SessionEvent): boolean {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, event) <= 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0 && this.timeAt(i) === event.timestampMs; i--) {
      if (idHashOf(this.numbers[2 * i + 1]!) === event.idHash) return false;
    }
    this.numbers.splice(2 * lo, 0, event.timestampMs, codeOf(event));
    this.references.splice(2 * lo, 0, event.touchpoint, event.meta);
    return true;
  }

  /** Events [from, to) as SessionEvent objects. */
  slice(from: number, to: number): SessionEvent[] {
    const events: SessionEvent[] = new Array(to - from);
    for (let i = from; i < to; i++) events[i - from] = this.eventAt(i);
    return events;
  }

  eventAt(i: number): SessionEvent {
    const code = this.numbers[2 * i + 1]!;
    const event: SessionEvent = {
      timestampMs: this.numbers[2 * i]!,
      stageIndex: code % STAGE_SLOTS,
      idHash: idHashOf(code),
      touchpoint: this.references[2 * i] as string,
      meta: this.references[2 * i + 1] as EventMeta,
    };
    const exclusionIndex = Math.floor(code / STAGE_SLOTS) % EXCLUSION_SLOTS;
    if (exclusionIndex > 0) event.exclusionIndex = exclusionIndex;
    return event;
  }

  /** Removes the first `count` events (sessions that closed). */
  dropFirst(count: number): void {
    this.numbers = this.numbers.slice(2 * count);
    this.references = this.references.slice(2 * count);
  }

  /** The event times in order, for splitting into sessions. */
  timestamps(): number[] {
    const times: number[] = new Array(this.length);
    for (let i = 0; i < times.length; i++) times[i] = this.numbers[2 * i]!;
    return times;
  }

  private compareAt(i: number, event: SessionEvent): number {
    const code = this.numbers[2 * i + 1]!;
    return this.timeAt(i) - event.timestampMs || (code % STAGE_SLOTS) - event.stageIndex || idHashOf(code) - event.idHash;
  }
}
