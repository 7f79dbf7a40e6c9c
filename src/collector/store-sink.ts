import type { Logger } from 'pino';
import type { Store } from '../stores/store.js';
import type { CompiledPipeline, RawRecord } from '../pipeline/compiled-pipeline.js';
import { JourneyProcessor } from '../pipeline/processor.js';
import { refreshRollups } from '../pipeline/rollup-refresh.js';
import { SinkUnavailableError, type EventSink, type OutgoingRecord } from './event-sink.js';

/** The stream state the collector's events are sessionized in (one per pipeline and store). */
export const COLLECTOR_STREAM = 'collector';

export interface StoreSinkOptions {
  store: Store;
  pipeline: CompiledPipeline;
  logger: Logger;
  emailSalt?: string | undefined;
  /** How often open sessions are written provisionally and the owed rollups rebuilt (default 30 s). */
  refreshIntervalMs?: number;
  /** A quiet collector closes its sessions on the wall clock after this long without an event (default 60 s). */
  idleAfterMs?: number;
  clock?: () => number;
}

interface Waiting {
  records: RawRecord[];
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Ingests the collector's events straight into the store (a one-machine
 * setup, no Kafka). Durable before the answer: the requests that arrive
 * while a commit runs wait together for the next one (a group commit), and
 * a commit is the processor's batch followed by a checkpoint — events,
 * closed sessions, late events resolved and the stream state (watermark,
 * open groups) written. So after a kill -9 every acknowledged event is in
 * `events`, and the restarted collector restores its open sessions from
 * the checkpoint (restore.ts reads their events back, those written after
 * it included).
 *
 * One loop drives the processor, which is not re-entrant: commits, and
 * between two commits the periodic upkeep when it is due (so sustained
 * traffic cannot starve it). The rollup rebuild itself runs beside the
 * loop, as `journeys run` does it: requests are not held up for it, and a
 * day that changes meanwhile stays owed for the next one. A failed commit
 * drops the processor; the next request starts a new one from the last
 * checkpoint, and the failed requests' 503 makes their clients send them
 * again (copies of stored events are recognised by id).
 */
export class StoreSink implements EventSink {
  private processor: JourneyProcessor | undefined;
  /** Bumped whenever the processor is replaced: a rebuild started for an older one reports to nobody. */
  private generation = 0;
  private waiting: Waiting[] = [];
  private running: Promise<void> | undefined;
  private upkeepDue = false;
  /** The rollup rebuild under way, and the days it covers once done (for the processor, in the loop). */
  private rebuild: Promise<void> | undefined;
  private rebuilt: { days: number[]; generation: number } | undefined;
  private lastError: string | undefined;
  private lastRecordAtMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly clock: () => number;
  private closed = false;
  private committed = 0;
  /** Rollup rebuilds finished, and when the last one did (for /healthz). */
  private rebuilds = 0;
  private lastRebuildAtMs: number | undefined;

  private constructor(private readonly options: StoreSinkOptions) {
    this.clock = options.clock ?? Date.now;
    this.lastRecordAtMs = this.clock();
    this.timer = setInterval(() => {
      this.upkeepDue = true;
      void this.pump();
    }, options.refreshIntervalMs ?? 30_000);
    this.timer.unref();
  }

  static async open(options: StoreSinkOptions): Promise<StoreSink> {
    const sink = new StoreSink(options);
    // Opened now, so a store that cannot be read stops the command before it listens.
    sink.processor = await sink.startProcessor();
    return sink;
  }

  accept(records: readonly OutgoingRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new SinkUnavailableError('the collector is stopping'));
    if (records.length === 0) return Promise.resolve();
    this.lastRecordAtMs = this.clock();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ records: records.map((r) => r.record), resolve, reject });
      void this.pump();
    });
  }

  health(): { ok: boolean; detail: string } {
    if (this.lastError) return { ok: false, detail: `store: last commit failed: ${this.lastError}` };
    const rollups = this.lastRebuildAtMs === undefined ? 'rollups not rebuilt yet' : `rollups rebuilt ${this.rebuilds} times, last at ${new Date(this.lastRebuildAtMs).toISOString()}`;
    return { ok: true, detail: `store stream ${COLLECTOR_STREAM}, ${this.committed} events committed, ${this.processor?.openSessions ?? 0} open sessions, ${rollups}` };
  }

  /** After the requests in flight: the rebuild under way, then a final checkpoint and the rollups of every owed day. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    while (this.running || this.rebuild) await (this.running ?? this.rebuild);
    const processor = await this.current();
    await processor.finish();
  }

  /** Runs the loop unless it runs: upkeep when due, else the waiting requests' commit, until neither is left. */
  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      for (;;) {
        if (this.upkeepDue || this.rebuilt) {
          this.upkeepDue = false;
          await this.guarded(() => this.upkeep());
        } else if (this.waiting.length > 0) {
          await this.commit();
        } else return;
      }
    })().finally(() => (this.running = undefined));
    await this.running;
  }

  private async commit(): Promise<void> {
    const group = this.waiting;
    this.waiting = [];
    try {
      const processor = await this.current();
      await processor.process(group.flatMap((w) => w.records));
      await processor.checkpoint({ provisionalSessions: false });
      this.committed += group.reduce((n, w) => n + w.records.length, 0);
      this.lastError = undefined;
      for (const w of group) w.resolve();
    } catch (error) {
      this.failed(error);
      const unavailable = new SinkUnavailableError(`the store did not take the events: ${(error as Error).message}`, { cause: error });
      for (const w of group) w.reject(unavailable);
    }
  }

  /**
   * The periodic upkeep: a rebuild that finished is recorded; a quiet
   * stream's sessions are closed on the wall clock (as `journeys run`
   * does); open sessions are written provisionally so the metrics show
   * them; and the rollups of the owed days start rebuilding beside the loop.
   */
  private async upkeep(): Promise<void> {
    const processor = await this.current();
    const rebuilt = this.rebuilt;
    this.rebuilt = undefined;
    if (rebuilt && rebuilt.generation === this.generation) await processor.rollupsRebuilt(rebuilt.days);
    if (this.closed) return;
    const idleAfterMs = this.options.idleAfterMs ?? 60_000;
    if (this.clock() - this.lastRecordAtMs >= idleAfterMs && processor.openSessions > 0) {
      await processor.advanceIdle(this.clock() - this.options.pipeline.split.allowedLatenessMs);
    }
    await processor.checkpoint();
    if (this.rebuild) return;
    const days = processor.takeOwedDays();
    if (days.length === 0) return;
    const generation = this.generation;
    const { store, pipeline, logger } = this.options;
    this.rebuild = refreshRollups(store, { pipeline, days, watermarkMs: processor.watermarkMs })
      .then(
        () => {
          this.rebuilds++;
          this.lastRebuildAtMs = this.clock();
          this.rebuilt = { days, generation };
          void this.pump();
        },
        // The days stay owed: the next upkeep (or the close) rebuilds them.
        (error: unknown) => logger.error({ err: error }, 'rollup rebuild failed; its days stay owed'),
      )
      .finally(() => (this.rebuild = undefined));
  }

  private async guarded(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.lastError = (error as Error).message;
    // Its state may be ahead of the store: the next commit starts from the checkpoint.
    this.processor = undefined;
    this.generation++;
    this.options.logger.error({ err: error }, 'store commit failed; the next request starts again from the last checkpoint');
  }

  private async current(): Promise<JourneyProcessor> {
    this.processor ??= await this.startProcessor();
    return this.processor;
  }

  private startProcessor(): Promise<JourneyProcessor> {
    const { store, pipeline, emailSalt } = this.options;
    return JourneyProcessor.start({ store, pipeline, stream: COLLECTOR_STREAM, emailSalt, clock: this.clock });
  }
}
