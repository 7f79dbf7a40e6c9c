import type { Logger } from 'pino';
import type { Store } from '../stores/store.js';
import type { CompiledPipeline, RawRecord } from '../pipeline/compiled-pipeline.js';
import { JourneyProcessor } from '../pipeline/processor.js';
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
 * closed sessions and the stream state (watermark, open groups) written.
 * So after a kill -9 every acknowledged event is in `events`, and the
 * restarted collector restores its open sessions from the checkpoint
 * (restore.ts reads their events back, those written after it included).
 *
 * One thing runs at a time (commits, the periodic refresh): the processor
 * is not re-entrant. A failed commit drops the processor; the next request
 * starts a new one from the last checkpoint, and the failed requests' 503
 * makes their clients send them again (copies of stored events are
 * recognised by id).
 */
export class StoreSink implements EventSink {
  private processor: JourneyProcessor | undefined;
  private waiting: Waiting[] = [];
  private running: Promise<void> | undefined;
  private lastError: string | undefined;
  private lastRecordAtMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly clock: () => number;
  private closed = false;
  private committed = 0;

  private constructor(private readonly options: StoreSinkOptions) {
    this.clock = options.clock ?? Date.now;
    this.lastRecordAtMs = this.clock();
    this.timer = setInterval(() => void this.refresh(), options.refreshIntervalMs ?? 30_000);
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
    return { ok: true, detail: `store stream ${COLLECTOR_STREAM}, ${this.committed} events committed, ${this.processor?.openSessions ?? 0} open sessions` };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
    await this.exclusive(async (processor) => {
      await processor.finish();
    });
  }

  /** Commits the waiting requests, a group at a time, until none waits. */
  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      while (this.waiting.length > 0) {
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
    })().finally(() => (this.running = undefined));
    await this.running;
  }

  /** Runs `work` on the processor between commits. */
  private async exclusive(work: (processor: JourneyProcessor) => Promise<void>): Promise<void> {
    while (this.running) await this.running;
    this.running = (async () => {
      try {
        await work(await this.current());
        this.lastError = undefined;
      } catch (error) {
        this.failed(error);
      }
    })().finally(() => (this.running = undefined));
    await this.running;
    // Requests that arrived meanwhile.
    if (this.waiting.length > 0) void this.pump();
  }

  /**
   * Every refresh interval: a quiet stream's sessions closed on the wall
   * clock (as `journeys run` does), open sessions written provisionally so
   * the metrics show them, and the rollups of owed days rebuilt.
   */
  private async refresh(): Promise<void> {
    if (this.closed) return;
    await this.exclusive(async (processor) => {
      const idleAfterMs = this.options.idleAfterMs ?? 60_000;
      if (this.clock() - this.lastRecordAtMs >= idleAfterMs && processor.openSessions > 0) {
        await processor.advanceIdle(this.clock() - this.options.pipeline.split.allowedLatenessMs);
      }
      await processor.checkpoint();
      await processor.refreshRollups();
    });
  }

  private failed(error: unknown): void {
    this.lastError = (error as Error).message;
    // Its state may be ahead of the store: the next commit starts from the checkpoint.
    this.processor = undefined;
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
