import { getHeapStatistics } from 'node:v8';

/**
 * Heap an open group may take, as budgeted: twice the measured ~460 B of a
 * one-event visitor and above the ~860 B of a typical multi-event session
 * (`npm run bench`, `npm run bench -- burst`).
 */
const BUDGET_BYTES_PER_OPEN_GROUP = 1_024;
/** Share of the JS heap that open sessions may fill; the rest is for batches in flight and checkpoints. */
const HEAP_SHARE_FOR_OPEN_SESSIONS = 0.5;

/**
 * Most open groups a checkpoint can record: the stream state is one JSON
 * text of ~200 characters per group, and V8's longest string is 2^29 − 24
 * characters (~2.7M groups).
 */
const MAX_CHECKPOINTED_GROUPS = 2_000_000;

/** The default limit of open groups for one processor: half the heap at the budget per group, at most what a checkpoint can record. */
export function defaultMaxOpenGroups(): number {
  const heapBound = Math.floor((getHeapStatistics().heap_size_limit * HEAP_SHARE_FOR_OPEN_SESSIONS) / BUDGET_BYTES_PER_OPEN_GROUP);
  return Math.min(heapBound, MAX_CHECKPOINTED_GROUPS);
}

/**
 * More visitors have an open session than memory allows: stopping with this
 * error (nothing past the last checkpoint is committed) beats an
 * out-of-memory kill that says nothing.
 */
export class OpenSessionLimitError extends Error {
  override name = 'OpenSessionLimitError';
  constructor(
    readonly openGroups: number,
    readonly limit: number,
  ) {
    super(
      `${openGroups.toLocaleString('en-US')} visitors have an open session, more than this process can hold (${limit.toLocaleString('en-US')}: ` +
        `half its JS heap at 1 KB each, and at most 2,000,000 per stream): shorten sessions.inactivityGap, ` +
        `spread the stream over more Kafka partitions and consumers, or give Node a larger heap (NODE_OPTIONS=--max-old-space-size=<MB>)`,
    );
  }
}
