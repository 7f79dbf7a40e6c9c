/**
 * A min-heap of (deadline, group key): which open group's first session may
 * close first. Entries may be stale (the group closed, or its deadline
 * moved); the sessionizer checks each one it takes against the group, so the
 * queue only has to never hold a deadline later than the true one.
 * Parallel arrays keep an entry at ~16 bytes (unboxed doubles).
 */
export class DeadlineQueue {
  private readonly times: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(deadlineMs: number, key: string): void {
    const times = this.times;
    const keys = this.keys;
    let i = times.length;
    times.push(deadlineMs);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= deadlineMs) break;
      times[i] = times[parent]!;
      keys[i] = keys[parent]!;
      i = parent;
    }
    times[i] = deadlineMs;
    keys[i] = key;
  }

  /** The earliest deadline, or Infinity when empty. */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0]! : Infinity;
  }

  /** Removes and returns the key of the earliest deadline. */
  pop(): string | undefined {
    const times = this.times;
    const keys = this.keys;
    if (times.length === 0) return undefined;
    const top = keys[0];
    const lastTime = times.pop()!;
    const lastKey = keys.pop()!;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && times[child + 1]! < times[child]!) child++;
        if (times[child]! >= lastTime) break;
        times[i] = times[child]!;
        keys[i] = keys[child]!;
        i = child;
      }
      times[i] = lastTime;
      keys[i] = lastKey;
    }
    return top;
  }
}
