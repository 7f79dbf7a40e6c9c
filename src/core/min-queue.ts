/**
 * A binary min-heap of values by a numeric priority; equal priorities leave
 * in insertion order, so the order is deterministic. Parallel arrays keep an
 * entry at ~20 bytes (unboxed doubles), which matters where there is one per
 * open session.
 */
export class MinQueue<T> {
  private readonly priorities: number[] = [];
  private readonly seqs: number[] = [];
  private readonly values: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.values.length;
  }

  push(priority: number, value: T): void {
    const { priorities, seqs, values } = this;
    const seq = this.nextSeq++;
    let i = values.length;
    priorities.push(priority);
    seqs.push(seq);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(priority, seq, priorities[parent]!, seqs[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    priorities[i] = priority;
    seqs[i] = seq;
    values[i] = value;
  }

  /** The smallest priority, or Infinity when empty. */
  peekPriority(): number {
    return this.values.length > 0 ? this.priorities[0]! : Infinity;
  }

  /** Removes and returns the value with the smallest priority. */
  pop(): T | undefined {
    const { priorities, seqs, values } = this;
    if (values.length === 0) return undefined;
    const top = values[0];
    const priority = priorities.pop()!;
    const seq = seqs.pop()!;
    const value = values.pop()!;
    const n = values.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(priorities[child + 1]!, seqs[child + 1]!, priorities[child]!, seqs[child]!)) child++;
        if (!before(priorities[child]!, seqs[child]!, priority, seq)) break;
        this.move(child, i);
        i = child;
      }
      priorities[i] = priority;
      seqs[i] = seq;
      values[i] = value;
    }
    return top;
  }

  private move(from: number, to: number): void {
    this.priorities[to] = this.priorities[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.values[to] = this.values[from]!;
  }
}

function before(priority: number, seq: number, otherPriority: number, otherSeq: number): boolean {
  return priority < otherPriority || (priority === otherPriority && seq < otherSeq);
}
