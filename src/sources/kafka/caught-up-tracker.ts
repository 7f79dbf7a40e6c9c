import type { Admin } from 'kafkajs';

/**
 * For --until-caught-up: the high-water mark of every partition at start, and
 * how far this member got. Caught up = every assigned partition processed (or
 * had committed) up to the mark it had at start.
 */
export class CaughtUpTracker {
  private readonly targets = new Map<string, bigint>();
  private readonly reached = new Map<string, bigint>();
  private assigned: string[] | undefined;

  async load(admin: Admin, groupId: string, topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) this.targets.set(`${topic}/${partition}`, BigInt(high));
    }
    await this.loadCommitted(admin, groupId, topics);
  }

  /**
   * Committed offsets count as reached: after a rebalance, a partition another
   * member finished has nothing left to deliver here, so no batch would ever
   * tell us it is done.
   */
  async loadCommitted(admin: Admin, groupId: string, topics: readonly string[]): Promise<void> {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const { partition, offset } of partitions) {
        const key = `${topic}/${partition}`;
        if (BigInt(offset) > (this.reached.get(key) ?? -1n)) this.reached.set(key, BigInt(offset));
      }
    }
  }

  assign(assignment: Record<string, number[]>): void {
    this.assigned = Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((p) => `${topic}/${p}`));
  }

  processed(topic: string, partition: number, lastOffset: string): void {
    this.reached.set(`${topic}/${partition}`, BigInt(lastOffset) + 1n);
  }

  caughtUp(): boolean {
    if (!this.assigned) return false;
    return this.assigned.every((tp) => (this.reached.get(tp) ?? 0n) >= (this.targets.get(tp) ?? 0n));
  }
}
