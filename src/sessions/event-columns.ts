import type { EventMeta, SessionEvent } from './session-event.js';

const STAGE_SLOTS = 256;
/**
 * Up to this many slots a column grows by exactly what is appended (concat
 * allocates the exact size); `push` would reserve 17 slots at once, which for
 * a typical 5–6 event session was most of its memory. Longer columns (bots,
 * long sessions) grow by push, amortised.
 */
const EXACT_GROWTH_LIMIT = 64;
/**
 * Up to this many events a copy is looked for by scanning the codes; a
 * longer group (a bot, a long B2B session) keeps a set of them, so checking
 * every arrival against the whole group stays linear overall.
 */
const SCAN_LIMIT = 64;

function append<T>(column: T[], a: T, b: T): T[] {
  if (column.length >= EXACT_GROWTH_LIMIT) {
    column.push(a, b);
    return column;
  }
  return column.concat([a, b]);
}

/**
 * The events of one open group, stored in two interleaved columns: numbers
 * [time, code, time, code, …] (unboxed doubles; code = idHash × 256 + stage)
 * and references [touchpoint, meta, …]. An object per event costs ~90 bytes
 * in V8 (header, five fields, a boxed timestamp); this costs ~32, which is what
 * keeps an open session under 1 KB. Events are kept in the session order
 * (time, stage, id hash); `slice` hands out ordinary SessionEvent objects.
 */
export class EventColumns {
  private numbers: number[] = [];
  private references: Array<string | EventMeta> = [];
  /** The codes of a long group (see SCAN_LIMIT); undefined while the group is short. */
  private codes: Set<number> | undefined;

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
    const code = event.idHash * STAGE_SLOTS + event.stageIndex;
    this.numbers = append(this.numbers, event.timestampMs, code);
    this.references = append<string | EventMeta>(this.references, event.touchpoint, event.meta);
    this.codes?.add(code);
  }

  /** Whether `event` sorts strictly after the last event (the in-order fast path). */
  isAfterLast(event: SessionEvent): boolean {
    return this.length === 0 || event.timestampMs > this.timeAt(this.length - 1);
  }

  /**
   * Whether the group holds a copy of `event` (same id hash and stage) at any
   * time: the same message id twice is one event, however far apart the
   * copies' times (a retried delivery, an overlapping export).
   */
  hasCopy(event: SessionEvent): boolean {
    const code = event.idHash * STAGE_SLOTS + event.stageIndex;
    if (this.codes) return this.codes.has(code);
    const n = this.length;
    if (n > SCAN_LIMIT) {
      this.codes = new Set();
      for (let i = 0; i < n; i++) this.codes.add(this.numbers[2 * i + 1]!);
      return this.codes.has(code);
    }
    for (let i = n - 1; i >= 0; i--) if (this.numbers[2 * i + 1] === code) return true;
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
      if (Math.floor(this.numbers[2 * i + 1]! / STAGE_SLOTS) === event.idHash) return false;
    }
    const code = event.idHash * STAGE_SLOTS + event.stageIndex;
    this.numbers.splice(2 * lo, 0, event.timestampMs, code);
    this.references.splice(2 * lo, 0, event.touchpoint, event.meta);
    this.codes?.add(code);
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
    return {
      timestampMs: this.numbers[2 * i]!,
      stageIndex: code % STAGE_SLOTS,
      idHash: Math.floor(code / STAGE_SLOTS),
      touchpoint: this.references[2 * i] as string,
      meta: this.references[2 * i + 1] as EventMeta,
    };
  }

  /** Removes the first `count` events (sessions that closed). */
  dropFirst(count: number): void {
    this.numbers = this.numbers.slice(2 * count);
    this.references = this.references.slice(2 * count);
    // Rebuilt from the remaining events when next needed.
    this.codes = undefined;
  }

  /** The event times in order, for splitting into sessions. */
  timestamps(): number[] {
    const times: number[] = new Array(this.length);
    for (let i = 0; i < times.length; i++) times[i] = this.numbers[2 * i]!;
    return times;
  }

  private compareAt(i: number, event: SessionEvent): number {
    const code = this.numbers[2 * i + 1]!;
    return this.timeAt(i) - event.timestampMs || (code % STAGE_SLOTS) - event.stageIndex || Math.floor(code / STAGE_SLOTS) - event.idHash;
  }
}
