import type { JourneyProcessor } from '../../pipeline/processor.js';

/**
 * The state of one partition number (all subscribed topics' partition p):
 * its processor, the last processed offset per topic, and a lock so batches,
 * idle ticks and checkpoints of one stream never interleave.
 */
export class PartitionStream {
  readonly lastOffsets = new Map<string, string>();
  lastRecordAtMs: number;
  lastCheckpointAtMs: number;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly partition: number,
    readonly processor: JourneyProcessor,
    nowMs: number,
  ) {
    this.lastRecordAtMs = nowMs;
    this.lastCheckpointAtMs = nowMs;
  }

  /** Runs `work` after everything queued on this stream before it. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Offsets to commit: the next offset to read, per topic. */
  commitOffsets(): Array<{ topic: string; partition: number; offset: string }> {
    return [...this.lastOffsets].map(([topic, offset]) => ({ topic, partition: this.partition, offset: (BigInt(offset) + 1n).toString() }));
  }
}
