import { type Admin, type Consumer, type EachBatchPayload, type KafkaMessage, type Producer } from 'kafkajs';
import type { Store } from '../../stores/store.js';
import type { CompiledPipeline, RawRecord } from '../../pipeline/compiled-pipeline.js';
import { JourneyProcessor, RECORDS_PER_CHUNK } from '../../pipeline/processor.js';
import type { DeadLetter } from '../../core/result.js';
import { RowBatcher } from '../../pipeline/row-batcher.js';
import type { Logger } from '../../observability/logger.js';
import type { Registry } from 'prom-client';
import { timeInserts } from '../../observability/timed-inserts.js';
import { ConsumerMetrics } from './consumer-metrics.js';
import { measureLag } from './consumer-lag.js';
import { createKafkaClient } from './kafka-client.js';
import { CoPartitionedAssigner } from './co-partitioned-assigner.js';
import { PartitionStream } from './partition-stream.js';
import { DeadLetterTopic } from './dead-letter-topic.js';
import { messageRecord } from './message-record.js';
import { CsvMessageReader } from '../csv-message.js';
import { DEFAULT_LIMITS } from '../../events/limits.js';
import { CaughtUpTracker } from './caught-up-tracker.js';
import type { KafkaRunOptions } from './kafka-options.js';
import { evaluateAlerts } from '../../analysis/evaluate-alerts.js';
import { refreshRollups } from '../../pipeline/rollup-refresh.js';
import type { AlertNotifier } from '../../notifiers/notifier.js';

export interface KafkaRunnerDeps {
  pipeline: CompiledPipeline;
  store: Store;
  options: KafkaRunOptions;
  logger: Logger;
  /** Where the consumer's metrics are registered (createMetricsRegistry): one runner per registry, as metric names are unique in it. */
  registry: Registry;
  /** How often the lag of the assigned partitions is read from the broker (default 5 s). */
  lagIntervalMs?: number;
  emailSalt?: string | undefined;
  clock?: () => number;
  /** Where alert changes go besides the alerts table (log, webhook); alerts are evaluated after each rollup rebuild. */
  notifiers?: readonly AlertNotifier[];
}

/**
 * `journeys run`: a consumer-group member that feeds each partition number's
 * records through its own processor and commits an offset only after the
 * processor's checkpoint (events, dead letters, closed and provisional
 * sessions, stream state) is written — so a crash or a rebalance at any
 * point replays from the last checkpoint and converges to the same results.
 */
export class KafkaRunner {
  private readonly kafka: ReturnType<typeof createKafkaClient>;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly deadLetterTopic: DeadLetterTopic;
  /** Reads the rows of CSV messages as the file reader reads a CSV file. */
  private readonly csv: CsvMessageReader;
  private readonly streams = new Map<number, Promise<PartitionStream>>();
  private readonly clock: () => number;
  private readonly tracker = new CaughtUpTracker();
  /** One writer for every partition's rows: large inserts even when a partition's batches are small. */
  private readonly rows: RowBatcher;
  /** The store with its inserts timed (journeys_store_write_seconds). */
  private readonly store: Store;
  private readonly metrics: ConsumerMetrics;
  /** This member's partitions per topic, from the last group join. */
  private assignment: Record<string, number[]> = {};
  /** The next offset to process per `topic/partition`, known without awaiting a stream (whose restore a stuck store may hold). */
  private readonly processedNext = new Map<string, bigint>();
  private rebalancing = true;
  private timers: NodeJS.Timeout[] = [];
  private stopping: Promise<void> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private resolveDone!: () => void;
  private rejectDone!: (error: Error) => void;
  /** Resolves when the runner stopped (signal, --until-caught-up, or stop()); rejects when a batch failed (see `fail`). */
  readonly done = new Promise<void>((resolve, reject) => {
    this.resolveDone = resolve;
    this.rejectDone = reject;
  });

  constructor(private readonly deps: KafkaRunnerDeps) {
    const { options } = deps;
    this.clock = deps.clock ?? Date.now;
    this.kafka = createKafkaClient({ clientId: options.clientId, brokers: options.brokers, logger: deps.logger, retry: { retries: 8 } });
    // Large fetches: the pipeline's per-batch work (watermark scan, inserts) is cheaper per event on big batches.
    this.consumer = this.kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [CoPartitionedAssigner],
      sessionTimeout: options.sessionTimeoutMs,
      maxBytesPerPartition: 16 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      // A fetch with nothing to return waits this long: stopping waits for it (5 s by default).
      maxWaitTimeInMs: 500,
    });
    this.producer = this.kafka.producer({ allowAutoTopicCreation: true });
    const metrics = new ConsumerMetrics({ registry: deps.registry, topics: options.topics, alertRules: deps.pipeline.definition.alerts.map((rule) => rule.name) });
    this.metrics = metrics;
    this.store = timeInserts(deps.store, (table, seconds) => metrics.storeWriteSeconds.observe({ table }, seconds));
    this.rows = new RowBatcher(this.store, {
      retry: {
        onRetry: ({ table, attempt, delayMs, error }) => {
          metrics.storeWriteRetries.inc({ table });
          deps.logger.warn({ table, attempt, delayMs, err: error.message }, 'store write failed; retrying');
        },
      },
    });
    this.admin = this.kafka.admin();
    this.deadLetterTopic = new DeadLetterTopic({
      producer: this.producer,
      admin: this.admin,
      logger: deps.logger,
      suffix: options.deadLetterSuffix,
      pipeline: deps.pipeline.name,
      maxLetterBytes: options.deadLetterMaxBytes,
    });
    const mapping = deps.pipeline.definition.csv;
    this.csv = new CsvMessageReader({ delimiter: mapping?.delimiter ?? ',', maxRecordBytes: DEFAULT_LIMITS.maxRecordBytes, mapping });
  }

  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  get assignedPartitions(): number[] {
    return [...this.streams.keys()];
  }

  async start(): Promise<void> {
    const { options, logger } = this.deps;
    const { metrics } = this;
    await Promise.all([this.consumer.connect(), this.producer.connect(), this.admin.connect()]);
    if (options.untilCaughtUp) await this.tracker.load(this.admin, options.groupId, options.topics);
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.rebalancing = true;
      metrics.rebalances.inc();
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      void this.onAssignment(event.payload.memberAssignment).catch((error) => logger.error({ err: error }, 'assignment handling failed'));
    });
    await this.consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => {
        const batch = this.onBatch(payload);
        this.inFlight = batch.catch(() => undefined);
        return batch;
      },
    });
    this.timers = [
      setInterval(() => void this.tick().catch((error) => logger.error({ err: error }, 'periodic work failed')), 1_000),
      setInterval(() => void this.refreshRollups().catch((error) => logger.error({ err: error }, 'rollup refresh failed')), options.rollupIntervalMs),
      // Lag from the broker on a clock of its own: a consumer stuck in a batch (a store down) shows its lag growing.
      setInterval(() => void this.updateLag().catch((error: Error) => logger.warn({ err: error.message }, 'reading the consumer lag failed')), this.deps.lagIntervalMs ?? 5_000),
    ];
    logger.info({ topics: options.topics, group: options.groupId, brokers: options.brokers }, 'consumer started');
  }

  /** Graceful stop: finish the batch, checkpoint and commit every stream, rebuild rollups, leave the group. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      // No new batches; the one in flight finishes, then the last checkpoint
      // and commit happen while we are still a group member.
      this.consumer.pause(this.deps.options.topics.map((topic) => ({ topic })));
      await this.inFlight;
      for (const stream of this.streams.values()) await this.checkpoint(await stream, { force: true, provisional: true });
      await this.refreshRollups();
      await this.consumer.stop();
      await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect(), this.admin.disconnect()]);
      this.deps.logger.info('consumer stopped');
      this.resolveDone();
    })();
    return this.stopping;
  }

  /**
   * A batch failed (a store write gave up after its retries, a store error
   * retrying cannot fix): stop at once, without another checkpoint or commit.
   * The partitions share one row writer, so any of them may have lost rows
   * since its last checkpoint, and kafkajs would go on after the offsets this
   * process already read; only a restart from the committed offsets and the
   * checkpoints replays exactly what is missing. `done` rejects with the
   * error: `journeys run` exits non-zero, for its supervisor to restart it.
   */
  private fail(error: Error): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      this.deps.logger.error({ err: error }, 'a batch failed: stopping without committing; a restart resumes from the last checkpoint');
      // Not awaited inside the failing batch: stop() waits for that batch to end.
      await this.consumer.stop().catch(() => undefined);
      await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect(), this.admin.disconnect()]);
      this.rejectDone(error);
    })();
    return this.stopping;
  }

  private async onAssignment(assignment: Record<string, number[]>): Promise<void> {
    const partitions = new Set(Object.values(assignment).flat());
    // Partitions that moved away are dropped without another checkpoint: the
    // new owner replays from our last commit, and a late checkpoint from here
    // could overwrite its state.
    for (const partition of this.streams.keys()) {
      if (partitions.has(partition)) continue;
      this.streams.delete(partition);
      this.metrics.forgetPartition(partition, this.deps.options.topics);
      for (const topic of this.deps.options.topics) this.processedNext.delete(`${topic}/${partition}`);
    }
    this.assignment = assignment;
    this.tracker.assign(assignment);
    if (this.deps.options.untilCaughtUp) await this.tracker.loadCommitted(this.admin, this.deps.options.groupId, this.deps.options.topics);
    this.rebalancing = false;
    this.deps.logger.info({ assignment }, 'partitions assigned');
    // Every assigned partition gets its processor now, not at its first batch:
    // its checkpoint may owe rollup rebuilds or hold open sessions to close,
    // even when nothing is left to read.
    for (const partition of partitions) await this.streamFor(partition);
  }

  private streamFor(partition: number): Promise<PartitionStream> {
    let stream = this.streams.get(partition);
    if (!stream) {
      const { pipeline, emailSalt } = this.deps;
      const { store } = this;
      stream = JourneyProcessor.start({ pipeline, store, stream: `kafka/${partition}`, emailSalt, rows: this.rows }).then((processor) => new PartitionStream(partition, processor, this.clock()));
      this.streams.set(partition, stream);
      stream.catch(() => this.streams.delete(partition));
    }
    return stream;
  }

  private async onBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    this.deps.logger.debug({ topic: batch.topic, partition: batch.partition, messages: batch.messages.length, running: isRunning(), stale: isStale() }, 'batch');
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { metrics } = this;
    const started = process.hrtime.bigint();
    const stream = await this.streamFor(batch.partition);
    const where = { topic: batch.topic, partition: batch.partition, csv: this.csv };
    const recordOf = (message: KafkaMessage): RawRecord => messageRecord(message, where);
    // Heartbeats keep the group membership while a slow store holds the batch.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
    try {
      await stream.exclusive(async () => {
        // Message texts are made a chunk at a time, not for the whole fetched batch (see RECORDS_PER_CHUNK).
        const deadLetters: DeadLetter[] = [];
        for (let from = 0; from < batch.messages.length; from += RECORDS_PER_CHUNK) {
          const chunk = batch.messages.slice(from, from + RECORDS_PER_CHUNK).map(recordOf);
          for (const letter of (await stream.processor.process(chunk)).deadLetters) deadLetters.push(letter);
        }
        const originals = new Map(deadLetters.length > 0 ? batch.messages.map((message) => [message.offset, message]) : []);
        await this.deadLetterTopic.send(batch.topic, deadLetters, originals);
        stream.lastOffsets.set(batch.topic, batch.lastOffset());
        stream.lastRecordAtMs = this.clock();
        this.processedNext.set(`${batch.topic}/${batch.partition}`, BigInt(batch.lastOffset()) + 1n);
        metrics.recordsRead.inc({ topic: batch.topic }, batch.messages.length);
        metrics.deadLettered(batch.topic, deadLetters);
        metrics.consumerLag.set({ topic: batch.topic, partition: batch.partition }, Number(BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n));
      });
      // With autoCommit off, resolving only moves kafkajs's fetch position past
      // this batch; kafkajs never commits it. Commits happen after checkpoints.
      resolveOffset(batch.lastOffset());
      this.tracker.processed(batch.topic, batch.partition, batch.lastOffset());
      await this.checkpoint(stream, { force: false });
    } catch (error) {
      void this.fail(error as Error);
      throw error;
    } finally {
      clearInterval(beat);
      metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
    if (this.deps.options.untilCaughtUp && this.tracker.caughtUp()) void this.stop();
  }

  /** Checkpoint (when due, or forced) and then commit the offsets it covers. */
  private async checkpoint(stream: PartitionStream, options: { force: boolean; provisional?: boolean }): Promise<void> {
    if (!options.force && this.clock() - stream.lastCheckpointAtMs < this.deps.options.checkpointIntervalMs) return;
    await stream.exclusive(async () => {
      if (this.streams.get(stream.partition) === undefined && !options.force) return;
      const started = process.hrtime.bigint();
      await stream.processor.checkpoint({ provisionalSessions: options.provisional ?? false });
      const offsets = stream.commitOffsets();
      if (offsets.length > 0 && !this.rebalancing) {
        // A commit refused mid-rebalance is harmless: the next checkpoint
        // commits, or the partition's new owner replays from the last commit.
        await this.consumer.commitOffsets(offsets).catch((error: Error) => this.deps.logger.warn({ err: error.message, offsets }, 'offset commit failed'));
      }
      stream.lastCheckpointAtMs = this.clock();
      this.metrics.checkpointSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.metrics.openSessions.set({ partition: stream.partition }, stream.processor.openSessions);
      this.metrics.lastCheckpoint.set({ partition: stream.partition }, stream.lastCheckpointAtMs / 1000);
    });
  }

  /** Every second: idle partitions advance their watermark by the clock; due checkpoints run. */
  private async tick(): Promise<void> {
    if (this.rebalancing || this.stopping) return;
    const { pipeline, options } = this.deps;
    for (const pending of this.streams.values()) {
      const stream = await pending;
      if (this.clock() - stream.lastRecordAtMs >= options.idleAfterMs && stream.processor.openSessions > 0) {
        await stream.exclusive(async () => stream.processor.advanceIdle(this.clock() - pipeline.split.allowedLatenessMs));
        await this.checkpoint(stream, { force: true });
      } else {
        await this.checkpoint(stream, { force: false });
      }
    }
    if (options.untilCaughtUp && this.tracker.caughtUp()) void this.stop();
  }

  /** Sets the lag of every partition of the last assignment from the broker's offsets (skipped mid-rebalance: the assignment is about to change). */
  private async updateLag(): Promise<void> {
    if (this.rebalancing || this.stopping) return;
    const lags = await measureLag({
      admin: this.admin,
      groupId: this.deps.options.groupId,
      assignment: this.assignment,
      processedNext: (topic, partition) => this.processedNext.get(`${topic}/${partition}`),
      fromBeginning: this.deps.options.fromBeginning,
    });
    // A rebalance or a stop while the broker answered: the answer may be of partitions no longer ours.
    if (this.rebalancing || this.stopping) return;
    for (const { topic, partition, lag } of lags) this.metrics.consumerLag.set({ topic, partition }, lag);
  }

  /**
   * Open sessions made visible (provisional rows), the rollups of changed
   * days rebuilt, then the alert rules evaluated on the buckets that became
   * known: up to the smallest watermark of this member's partitions.
   */
  private async refreshRollups(): Promise<void> {
    const { pipeline, logger } = this.deps;
    const { store } = this;
    const streams = await Promise.all(this.streams.values());
    const watermarks: number[] = [];
    const owed = new Set<number>();
    const taken = new Map<PartitionStream, number[]>();
    for (const stream of streams) {
      if (!this.stopping) await this.checkpoint(stream, { force: true, provisional: true });
      const days = await stream.exclusive(async () => stream.processor.takeOwedDays());
      taken.set(stream, days);
      for (const day of days) owed.add(day);
      watermarks.push(stream.processor.watermarkMs);
    }
    // Partitions share days: each owed day is rebuilt once for all of them.
    const days = [...owed];
    // Journeys are judged open against the slowest partition's clock.
    const watermarkMs = watermarks.length > 0 ? Math.min(...watermarks) : -Infinity;
    await refreshRollups(store, { pipeline, days, watermarkMs });
    for (const [stream, own] of taken) await stream.exclusive(() => stream.processor.rollupsRebuilt(own));
    if (pipeline.definition.alerts.length === 0 || watermarks.length === 0) return;
    const nowMs = Math.min(...watermarks);
    if (!Number.isFinite(nowMs)) return;
    const result = await evaluateAlerts({ store, pipeline, nowMs, notifiers: this.deps.notifiers ?? [] });
    for (const notice of result.notices) this.metrics.alertChanges.inc({ rule: notice.rule, state: notice.state });
    for (const failure of result.deliveryFailures) logger.error({ notifier: failure.notifier, notice: failure.noticeId, err: failure.error.message }, 'alert notification failed');
  }
}
