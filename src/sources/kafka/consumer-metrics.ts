import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeadLetter } from '../../core/result.js';
import type { WrittenTable } from '../../pipeline/row-batcher.js';
import { WORK_SECONDS_BUCKETS } from '../../observability/metrics.js';

/**
 * The steps that dead-letter records, as they name themselves in
 * `DeadLetter.step` (and the `journeys-step` header): `read` (the source
 * could not frame the record: null value, over-long line, bad CSV framing,
 * unknown format header), `decode-json` / `decode-csv` (not JSON, not an
 * object, too deep, too large; a CSV row the mapping rejects),
 * `validate-segment` / `validate-crm` (the zod schemas, a Segment message
 * without anonymousId or userId included) and `normalize-segment` /
 * `normalize-crm` (an event time out of range or too far ahead of its
 * receipt; a CRM envelope without the identity the pipeline keys by).
 * Classification never rejects. Listed so each series exists at 0 from the
 * first scrape; a step not listed here is still counted, from its first letter.
 */
export const DEAD_LETTER_STEPS = ['read', 'decode-json', 'decode-csv', 'validate-segment', 'validate-crm', 'normalize-segment', 'normalize-crm'] as const;

/** The tables the shared row writer inserts into (and retries), checked against `WrittenTable` by the compiler. */
const WRITTEN_TABLES = Object.keys({ events: 0, identity_links: 0, dead_letters: 0, sessions: 0 } satisfies Record<WrittenTable, 0>);
/** Inserts timed per table and zeroed up front: the row writer's tables and the checkpoint's stream state. */
const TIMED_TABLES = [...WRITTEN_TABLES, 'stream_state'];
const ALERT_STATES = ['fired', 'resolved'] as const;

/**
 * The metrics of `journeys run` (names listed in docs/kafka.md, kept from the
 * hand-written registry so dashboards keep working). Every counter's known
 * label values are set to 0 at construction: `rate()` and `increase()` need
 * a sample before the first increment, or the first events go unseen.
 */
export class ConsumerMetrics {
  readonly recordsRead: Counter<'topic'>;
  readonly deadLetters: Counter<'topic' | 'step'>;
  readonly storeWriteRetries: Counter<'table'>;
  readonly rebalances: Counter;
  readonly alertChanges: Counter<'rule' | 'state'>;
  readonly batchSeconds: Histogram;
  readonly checkpointSeconds: Histogram;
  readonly storeWriteSeconds: Histogram<'table'>;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly openSessions: Gauge<'partition'>;
  readonly lastCheckpoint: Gauge<'partition'>;

  constructor(options: { registry: Registry; topics: readonly string[]; alertRules: readonly string[] }) {
    const registers = [options.registry];
    this.recordsRead = new Counter({ name: 'journeys_events_in_total', help: 'Kafka messages read', labelNames: ['topic'], registers });
    this.deadLetters = new Counter({
      name: 'journeys_dead_letters_total',
      help: 'Records dead-lettered, by the step that rejected them',
      labelNames: ['topic', 'step'],
      registers,
    });
    this.storeWriteRetries = new Counter({ name: 'journeys_store_write_retries_total', help: 'Store inserts retried', labelNames: ['table'], registers });
    this.rebalances = new Counter({ name: 'journeys_rebalances_total', help: 'Consumer group rebalances', registers });
    this.alertChanges = new Counter({ name: 'journeys_alert_changes_total', help: 'Alert state changes', labelNames: ['rule', 'state'], registers });
    this.batchSeconds = new Histogram({ name: 'journeys_batch_seconds', help: 'Batch processing time', buckets: [...WORK_SECONDS_BUCKETS], registers });
    this.checkpointSeconds = new Histogram({
      name: 'journeys_checkpoint_seconds',
      help: 'Checkpoint (store writes and commit) time',
      buckets: [...WORK_SECONDS_BUCKETS],
      registers,
    });
    this.storeWriteSeconds = new Histogram({
      name: 'journeys_store_write_seconds',
      help: 'Time of one store insert that succeeded (failed attempts are counted by journeys_store_write_retries_total)',
      labelNames: ['table'],
      buckets: [...WORK_SECONDS_BUCKETS],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'journeys_consumer_lag',
      help: 'High-water mark minus the next offset to process, per assigned partition (polled, and set by every batch)',
      labelNames: ['topic', 'partition'],
      registers,
    });
    this.openSessions = new Gauge({ name: 'journeys_open_sessions', help: 'Open sessions', labelNames: ['partition'], registers });
    this.lastCheckpoint = new Gauge({
      name: 'journeys_last_checkpoint_timestamp_seconds',
      help: 'Unix time of the last checkpoint (offsets committed up to it), per partition',
      labelNames: ['partition'],
      registers,
    });
    for (const topic of options.topics) {
      this.recordsRead.inc({ topic }, 0);
      for (const step of DEAD_LETTER_STEPS) this.deadLetters.inc({ topic, step }, 0);
    }
    for (const table of WRITTEN_TABLES) this.storeWriteRetries.inc({ table }, 0);
    for (const table of TIMED_TABLES) this.storeWriteSeconds.zero({ table });
    for (const rule of options.alertRules) for (const state of ALERT_STATES) this.alertChanges.inc({ rule, state }, 0);
  }

  /** Counts a batch's letters per step. */
  deadLettered(topic: string, letters: readonly DeadLetter[]): void {
    const perStep = new Map<string, number>();
    for (const letter of letters) perStep.set(letter.step, (perStep.get(letter.step) ?? 0) + 1);
    for (const [step, count] of perStep) this.deadLetters.inc({ topic, step }, count);
  }

  /** Drops the per-partition gauges of a partition this member no longer holds: its new owner reports it, a frozen copy here would mislead. */
  forgetPartition(partition: number, topics: readonly string[]): void {
    this.openSessions.remove({ partition });
    this.lastCheckpoint.remove({ partition });
    for (const topic of topics) this.consumerLag.remove({ topic, partition });
  }
}
