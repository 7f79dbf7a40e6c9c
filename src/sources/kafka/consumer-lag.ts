import type { Admin } from 'kafkajs';

/** What is known of one partition when its lag is measured; offsets as kafkajs gives them (decimal strings, -1 for none). */
export interface PartitionOffsets {
  /** The high-water mark: the offset the next produced message gets. */
  high: string;
  /** The log start offset: older messages are gone (retention). */
  low: string;
  /** The next offset this member would process, once it processed a batch of the partition. */
  processedNext?: bigint | undefined;
  /** The group's committed offset ('-1': none). */
  committed: string;
  /** Where a group without a committed offset starts (`fromBeginning`). */
  fromBeginning: boolean;
}

/**
 * Messages of the partition not yet processed: the high-water mark minus the
 * next offset to process. That offset is the last processed one + 1, else
 * the committed offset (a partition assigned but not yet read from, or a
 * consumer stuck before its first batch), else where a new group starts. A
 * position below the log start counts from the log start: the broker resets
 * a consumer there, and the deleted messages will never be read.
 */
export function lagOf(offsets: PartitionOffsets): number {
  const high = BigInt(offsets.high);
  const low = BigInt(offsets.low);
  const committed = BigInt(offsets.committed);
  const next = offsets.processedNext ?? (committed >= 0n ? committed : offsets.fromBeginning ? low : high);
  const lag = high - (next > low ? next : low);
  return lag > 0n ? Number(lag) : 0;
}

/**
 * The lag of every assigned partition, from the broker's offsets (not from
 * the last batch, which a stuck consumer never finishes): one ListOffsets
 * per topic and, if some partition has no processed offset yet, one
 * OffsetFetch for the group.
 */
export async function measureLag(options: {
  admin: Admin;
  groupId: string;
  assignment: Readonly<Record<string, readonly number[]>>;
  processedNext: (topic: string, partition: number) => bigint | undefined;
  fromBeginning: boolean;
}): Promise<Array<{ topic: string; partition: number; lag: number }>> {
  const { admin, assignment, processedNext } = options;
  const topics = Object.keys(assignment).filter((topic) => (assignment[topic] ?? []).length > 0);
  const committed = new Map<string, string>();
  if (topics.some((topic) => assignment[topic]!.some((partition) => processedNext(topic, partition) === undefined))) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: options.groupId, topics })) {
      for (const { partition, offset } of partitions) committed.set(`${topic}/${partition}`, offset);
    }
  }
  const lags: Array<{ topic: string; partition: number; lag: number }> = [];
  for (const topic of topics) {
    const marks = new Map((await admin.fetchTopicOffsets(topic)).map((mark) => [mark.partition, mark]));
    for (const partition of assignment[topic]!) {
      const mark = marks.get(partition);
      if (!mark) continue;
      // Read after the marks: a batch finished meanwhile only makes the lag smaller, never negative (lagOf clamps).
      const lag = lagOf({
        high: mark.high,
        low: mark.low,
        processedNext: processedNext(topic, partition),
        committed: committed.get(`${topic}/${partition}`) ?? '-1',
        fromBeginning: options.fromBeginning,
      });
      lags.push({ topic, partition, lag });
    }
  }
  return lags;
}
