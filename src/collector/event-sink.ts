import type { RawRecord } from '../pipeline/compiled-pipeline.js';

/** A record the collector passes on, with the partition key of its event (null when it did not decode). */
export interface OutgoingRecord {
  record: RawRecord;
  key: string | null;
}

/**
 * Where the collector's events go: Kafka (kafka-sink.ts) or the store
 * directly (store-sink.ts). `accept` resolves only once the records are
 * durable — acknowledged by every in-sync replica, or written and
 * checkpointed in the store — since the collector answers 200 after it.
 */
export interface EventSink {
  accept(records: readonly OutgoingRecord[]): Promise<void>;
  /** Whether the sink takes records now (for /healthz), and what it is. */
  health(): { ok: boolean; detail: string };
  /** Stops once every accepted record is durable (and, for the store, the rollups are rebuilt). */
  close(): Promise<void>;
}

/** The sink could not make records durable (Kafka or the store down): the client is told to retry (503). */
export class SinkUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SinkUnavailableError';
  }
}
