import type { Store } from '../stores/store.js';
import { deadLetterRow, eventRow, sessionRow } from '../stores/rows.js';
import { LinkWriter } from './link-writer.js';
import { RowBatcher } from './row-batcher.js';
import { Sessionizer, type SessionSnapshot, type Tombstone } from '../sessions/sessionizer.js';
import { buildSessionRecord, buildTombstone } from '../sessions/session-record.js';
import { DEFAULT_LIMITS, type InputLimits } from '../events/limits.js';
import type { CompiledPipeline, RawRecord } from './compiled-pipeline.js';
import type { DeadLetter } from '../core/result.js';
import { repairKeys } from './repair.js';
import { sessionizeDecoded } from './sessionize-step.js';
import { decodeRecords, type DecodedEvent } from './decode-records.js';
import { expandBodies } from '../sources/json-bodies.js';
import { daysTouched, refreshRollups } from './rollup-refresh.js';
import { restoreOpenGroups } from './restore.js';
import { readStoredEventIds, readStreamState, writeStreamState, type StreamState } from './stored-state.js';
import { CopyCheck } from './copy-check.js';
import { lastSettledDay, OwedDays } from './owed-days.js';
import { defaultMaxOpenGroups, OpenSessionLimitError } from './open-session-limit.js';
import { deleteEventCopies, type WrittenCopy } from './stored-copies.js';

/** Late events are resolved (duplicate check, repair) in groups of about this many, and at every flush. */
const LATE_EVENTS_PER_REPAIR = 5_000;

/**
 * Records decoded, sessionized and encoded together. Small on purpose: a
 * record's text and parsed object must die before two young-generation
 * collections pass, or V8 copies them into the old generation. Measured on
 * the benchmark: 1,000-record batches promoted ~1.3 KB per event (every raw
 * line), 100-record ones 0.17 KB, and ingest ran 12% faster. Sources read
 * and hand over records in chunks of this size too.
 */
export const RECORDS_PER_CHUNK = 100;

/** Sessions (closed, or open at a checkpoint) built, encoded and queued together. */
const SESSIONS_PER_WRITE_CHUNK = 1_000;

/** Counts of one run: read = valid + duplicates + dead_lettered (blank lines are not records). */
export interface IngestSummary {
  read: number;
  valid: number;
  duplicates: number;
  dead_lettered: number;
  sessions: number;
}

export interface ProcessorOptions {
  pipeline: CompiledPipeline;
  store: Store;
  /** Which stream's state this is (`files`, or a Kafka topic-partition). */
  stream: string;
  limits?: InputLimits;
  emailSalt?: string | undefined;
  clock?: () => number;
  /**
   * Where rows go. Processors of one Kafka consumer share one writer, so the
   * rows of all its partitions fill the same large inserts (and the writer's
   * retry policy); by default a processor has its own.
   */
  rows?: RowBatcher;
  /**
   * Rebuild the rollups of settled days (no open session or journey can
   * change them) in the background while the run goes on, instead of every
   * day at the end. For file runs; a Kafka consumer rebuilds its
   * partitions' days together.
   */
  rebuildSettledDays?: boolean;
  /**
   * Most visitors with an open session this processor holds before it stops
   * with an OpenSessionLimitError (default: half the JS heap at 1 KB each).
   */
  maxOpenGroups?: number;
  /** Count the sessions written, for `finish`'s summary (a file run; ~70 B per session until it ends). */
  countSessions?: boolean;
}

/**
 * Runs the core on batches of raw records and writes the effects: events and
 * dead letters first, then the sessions that closed (or were repaired), and
 * at `finish` the open sessions as a provisional checkpoint and the rollups of
 * every day touched. The same code serves files, stdin and Kafka.
 */
export class JourneyProcessor {
  private readonly summary: IngestSummary = { read: 0, valid: 0, duplicates: 0, dead_lettered: 0, sessions: 0 };
  /**
   * Ids of the sessions this run wrote (less those it deleted), for the
   * summary of a file run only: a consumer's processor lives for months and
   * keeps none.
   */
  private readonly sessionIds: Set<string> | undefined;
  private readonly owedDays: OwedDays;
  /** The last checkpoint written, so a finished rollup rebuild can clear its owed days. */
  private lastState: StreamState | undefined;
  private readonly clock: () => number;
  private readonly rows: RowBatcher;
  /** Where rows of this processor belong: pipeline, stream, stage names. */
  private readonly where: { pipeline: string; stream: string; stageNames: readonly string[] };
  /** Late events waiting to be resolved against the store, by event id. */
  private readonly pendingLate = new Map<string, DecodedEvent>();
  /** The background rebuild of settled days, while one runs. */
  private settledRebuild: Promise<void> | undefined;
  /** Accepted events checked against copies stored earlier. */
  private readonly copies: CopyCheck;
  private readonly maxOpenGroups: number;
  /** identity_links rows of the accepted events (docs/semantics.md, "People"). */
  private readonly links: LinkWriter;

  private constructor(
    private readonly options: ProcessorOptions,
    private readonly sessionizer: Sessionizer,
    owedDays: readonly number[],
  ) {
    this.owedDays = new OwedDays(owedDays);
    this.clock = options.clock ?? Date.now;
    this.rows = options.rows ?? new RowBatcher(options.store);
    this.where = { pipeline: options.pipeline.name, stream: options.stream, stageNames: options.pipeline.stageNames };
    this.copies = new CopyCheck({ store: options.store, pipeline: options.pipeline.name, rows: this.rows, held: (eventId) => this.pendingLate.has(eventId) });
    this.maxOpenGroups = options.maxOpenGroups ?? defaultMaxOpenGroups();
    this.sessionIds = options.countSessions ? new Set() : undefined;
    this.links = new LinkWriter(options.pipeline.name);
  }

  /** Opens the stream: its watermark and open sessions come back from the store. */
  static async start(options: ProcessorOptions): Promise<JourneyProcessor> {
    const state = await readStreamState(options.store, options.pipeline.name, options.stream);
    const sessionizer = new Sessionizer(options.pipeline.split, state);
    await restoreOpenGroups(options.store, options.pipeline, options.stream, sessionizer, state?.openGroups ?? []);
    // With the rollup rebuilds a previous run owed (it may have died before them).
    return new JourneyProcessor(options, sessionizer, state?.dirtyDays ?? []);
  }

  get openSessions(): number {
    return this.sessionizer.openSessionCount;
  }

  /** The watermark that closed this stream's sessions (event time). */
  get watermarkMs(): number {
    return this.sessionizer.watermarkMs;
  }

  /**
   * Processes one batch (in the order given). Its rows join the row batcher,
   * which writes large inserts in the background. Late events are collected
   * and resolved against the store in groups (a resolution has to wait for
   * the writes, so doing it per batch would serialise the pipeline). Call
   * `flush` when the effects must be durable (before committing offsets).
   */
  async process(input: readonly RawRecord[]): Promise<{ deadLetters: DeadLetter[] }> {
    const { pipeline } = this.options;
    // Arrays and batch bodies are their events, whichever source read them.
    const records = expandBodies(input);
    const receivedAtMs = this.clock();
    const ctx = { limits: this.options.limits ?? DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: this.options.emailSalt, receivedAtMs };
    this.copies.release();
    // Ids of this batch, then those accepted but not yet in the store: a second copy is a duplicate.
    const batchIds = new Set<string>();
    const seen = { has: (eventId: string) => batchIds.has(eventId) || this.copies.has(eventId), add: (eventId: string) => batchIds.add(eventId) };
    const deadLettersOfBatch: DeadLetter[] = [];
    // A large batch is still decoded in small chunks (see RECORDS_PER_CHUNK).
    for (let from = 0; from < records.length; from += RECORDS_PER_CHUNK) {
      const chunk = records.length <= RECORDS_PER_CHUNK ? records : records.slice(from, from + RECORDS_PER_CHUNK);
      const decoded = decodeRecords(pipeline, chunk, ctx);
      const { accepted, late, deadLetters, duplicates } = sessionizeDecoded(this.sessionizer, chunk, decoded, receivedAtMs, seen);
      this.summary.duplicates += duplicates;
      this.summary.dead_lettered += deadLetters.length;
      this.summary.valid += accepted.length;
      this.rows.addRows('events', accepted.map((event) => eventRow(this.where, event.classified)));
      this.rows.addRows('identity_links', this.links.rowsOf(accepted.map((event) => event.classified.event)));
      this.copies.note(accepted);
      this.rows.addRows('dead_letters', deadLetters.map((letter) => deadLetterRow(pipeline.name, letter)));
      deadLettersOfBatch.push(...deadLetters);
      // A copy of a pending late event never gets here: `seen` holds their ids.
      for (const event of late) this.pendingLate.set(event.eventId, event);
    }
    this.summary.read += records.length;
    await this.closeSessions(-Infinity);
    const openGroups = this.sessionizer.openGroupCount;
    if (openGroups > this.maxOpenGroups) throw new OpenSessionLimitError(openGroups, this.maxOpenGroups);
    this.rebuildSettledDays();
    if (this.pendingLate.size >= LATE_EVENTS_PER_REPAIR) await this.resolveLate();
    if (this.copies.windowFull) await this.takeBack(await this.copies.rotate());
    await this.rows.shipIfFull();
    return { deadLetters: deadLettersOfBatch };
  }

  /** Resolves once every effect so far, late events included, is in the store (rejects if a write failed). */
  async flush(): Promise<void> {
    await this.resolveLate();
    await this.takeBack(await this.copies.settle());
    await this.rows.flush();
  }

  /**
   * Late events: those the store already holds are duplicates, the others are
   * written; the keys of both are repaired from the stored events. A stored
   * duplicate still gets its key repaired: after a crash, a late event may
   * have been written without the sessions it changed (the repair is
   * idempotent, so repeating it is harmless).
   */
  private async resolveLate(): Promise<void> {
    if (this.pendingLate.size === 0) return;
    const { pipeline, store } = this.options;
    const late = [...this.pendingLate.values()];
    this.pendingLate.clear();
    await this.rows.flush();
    const keys = [...new Set(late.map((event) => event.key))];
    const stored = await readStoredEventIds(store, pipeline.name, keys, late.map((event) => event.eventId));
    const lateTimesByKey = new Map<string, number[]>();
    const newRows: unknown[][] = [];
    const newIds: string[] = [];
    for (const event of late) {
      if (stored.has(event.eventId)) this.summary.duplicates++;
      else {
        newRows.push(eventRow(this.where, event.classified));
        newIds.push(event.eventId);
        this.summary.valid++;
      }
      const times = lateTimesByKey.get(event.key) ?? [];
      times.push(event.timestampMs);
      lateTimesByKey.set(event.key, times);
    }
    this.rows.addRows('events', newRows);
    // Only events new to the store link: a stored copy at another time must not move a login.
    this.rows.addRows('identity_links', this.links.rowsOf(late.filter((event) => !stored.has(event.eventId)).map((event) => event.classified.event)));
    this.copies.queued(newIds);
    await this.repairAt(lateTimesByKey);
  }

  /**
   * Written events whose id the store held before at another time are
   * duplicates after all: they are taken back out of `events`, and their
   * keys repaired from what is left, so the sessions they joined (open or
   * closed) are rebuilt without them.
   */
  private async takeBack(copies: readonly WrittenCopy[]): Promise<void> {
    if (copies.length === 0) return;
    this.summary.valid -= copies.length;
    this.summary.duplicates += copies.length;
    await this.rows.flush();
    await deleteEventCopies(this.options.store, this.options.pipeline.name, copies);
    // The pairs the copies wrote are forgotten with them: a later sighting must be written again.
    this.links.forget();
    const timesByKey = new Map<string, number[]>();
    for (const copy of copies) {
      const times = timesByKey.get(copy.key) ?? [];
      times.push(copy.timestampMs);
      timesByKey.set(copy.key, times);
    }
    await this.repairAt(timesByKey);
  }

  /** Rebuilds the sessions of these keys around these times from the stored events (written first). */
  private async repairAt(timesByKey: Map<string, number[]>): Promise<void> {
    const { pipeline, store } = this.options;
    // The repair reads the stored events, the ones just queued included.
    await this.rows.flush();
    const repaired = await repairKeys(store, pipeline, this.options.stream, this.sessionizer, timesByKey);
    this.writeSessions(repaired.closed, [...repaired.tombstones, ...this.sessionizer.takeTombstones()]);
  }

  /**
   * Closes sessions on an idle watermark (a quiet live stream): their rows
   * join the next insert.
   */
  async advanceIdle(idleWatermarkMs: number): Promise<void> {
    await this.closeSessions(idleWatermarkMs);
  }

  /**
   * Writes the sessions the watermark closes, a chunk at a time, shipping as
   * inserts fill: the end of a burst of millions of visitors closes them all
   * at once, and their records and rows must not all exist together.
   */
  private async closeSessions(idleWatermarkMs: number): Promise<void> {
    for (;;) {
      const closed = this.sessionizer.advance(idleWatermarkMs, SESSIONS_PER_WRITE_CHUNK);
      this.writeSessions(closed, this.sessionizer.takeTombstones());
      if (closed.length < SESSIONS_PER_WRITE_CHUNK) return;
      await this.rows.shipIfFull();
    }
  }

  /**
   * Makes everything so far durable and restorable: late events resolved,
   * open sessions written provisionally (unless told not to), all rows
   * flushed, then the stream state (watermark and open groups) saved. Source offsets up to the last
   * processed record may be committed once this resolves.
   */
  async checkpoint(options: { provisionalSessions?: boolean } = {}): Promise<void> {
    const { pipeline, store } = this.options;
    await this.resolveLate();
    await this.takeBack(await this.copies.settle());
    // Provisional rows make open sessions visible in the metrics; restoring
    // needs only the open groups, so frequent checkpoints may skip the rows.
    // Written a chunk at a time, shipped as inserts fill: memory stays near
    // what the open sessions themselves take.
    if (options.provisionalSessions ?? true) {
      for (const sessions of this.sessionizer.provisionalSnapshots(SESSIONS_PER_WRITE_CHUNK)) {
        this.writeSessions(sessions, this.sessionizer.takeTombstones());
        await this.rows.shipIfFull();
      }
    }
    this.writeSessions([], this.sessionizer.takeTombstones());
    const openGroups = this.sessionizer.openGroupStates();
    await this.rows.flush();
    this.lastState = {
      watermarkMs: this.sessionizer.watermarkMs,
      maxEventMs: this.sessionizer.newestEventMs,
      openGroups,
      dirtyDays: this.owedDays.all,
    };
    await writeStreamState(store, pipeline.name, this.options.stream, this.lastState);
  }

  /**
   * Hands over the days whose rollups are owed, for a rebuild. They stay owed
   * (and checkpointed as such) until `rollupsRebuilt`; a day whose sessions
   * change again meanwhile is owed anew.
   */
  takeOwedDays(): number[] {
    return this.owedDays.takeAll();
  }

  /** Rebuilds the rollups of every day this stream owes. */
  async refreshRollups(options: { onRollupDay?: (done: number, total: number) => void } = {}): Promise<number> {
    const { pipeline, store } = this.options;
    await this.settledRebuild;
    const days = this.takeOwedDays();
    const rebuilt = await refreshRollups(store, { pipeline, days, watermarkMs: this.sessionizer.watermarkMs, onDay: options.onRollupDay });
    await this.rollupsRebuilt(days);
    return rebuilt;
  }

  /** Records that the rollups of `days` were rebuilt (here, or by a caller rebuilding several streams' days at once). */
  async rollupsRebuilt(days: readonly number[]): Promise<void> {
    this.owedDays.rebuilt(days);
    if (this.lastState && this.lastState.dirtyDays.length > 0 && this.owedDays.none) {
      // The checkpoint still lists those days: record that nothing is owed any more.
      this.lastState = { ...this.lastState, dirtyDays: [] };
      const { pipeline, store } = this.options;
      await writeStreamState(store, pipeline.name, this.options.stream, this.lastState);
    }
  }

  /**
   * Starts rebuilding, after the inserts queued so far, the rollups of owed
   * days that no open session or person's journey can change any more
   * (lastSettledDay: the watermark is the longer of maxDuration and the
   * journey window past their end), so that each is rebuilt once, not at
   * every refresh while its journeys are open. A day that changes again (a
   * late event, a new link) is owed anew; a failed rebuild leaves its days
   * owed. One rebuild at a time.
   */
  private rebuildSettledDays(): void {
    if (!this.options.rebuildSettledDays || this.settledRebuild) return;
    const { pipeline, store } = this.options;
    const lastDay = lastSettledDay(this.sessionizer.watermarkMs, { maxDurationMs: pipeline.split.maxDurationMs, journeyWindowMs: pipeline.definition.funnel.journeyWindow });
    const days = this.owedDays.takeUpTo(lastDay);
    if (days.length === 0) return;
    this.settledRebuild = this.rows
      .afterWrites(() => refreshRollups(store, { pipeline, days, watermarkMs: this.sessionizer.watermarkMs }))
      .then(() => this.rollupsRebuilt(days))
      .catch(() => undefined)
      .finally(() => (this.settledRebuild = undefined));
  }

  /** Ends a run: checkpoint, then the rollups of touched days. */
  async finish(options: { onRollupDay?: (done: number, total: number) => void } = {}): Promise<IngestSummary> {
    await this.checkpoint();
    await this.refreshRollups(options);
    return { ...this.summary, sessions: this.sessionIds?.size ?? 0 };
  }

  /** Adds session rows (records and tombstones) to the next insert; notes the days whose rollups they change. */
  private writeSessions(snapshots: readonly SessionSnapshot[], tombstones: readonly Tombstone[]): void {
    const { pipeline } = this.options;
    const context = pipeline.recordContext(this.options.stream, this.sessionizer.watermarkMs);
    const rows: unknown[][] = [];
    for (const snapshot of snapshots) {
      const record = buildSessionRecord(snapshot, context);
      this.sessionIds?.add(record.session_id);
      for (const day of daysTouched(record.start, record.end)) this.owedDays.touch(day);
      rows.push(sessionRow(record));
    }
    for (const tombstone of tombstones) {
      this.sessionIds?.delete(tombstone.sessionId);
      for (const day of daysTouched(tombstone.startMs, tombstone.startMs)) this.owedDays.touch(day);
      rows.push(sessionRow(buildTombstone(tombstone, this.where)));
    }
    this.rows.addRows('sessions', rows);
  }
}
