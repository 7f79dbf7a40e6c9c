import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EmbeddedStore } from '../stores/embedded-store.js';
import { migrate } from '../stores/migrate.js';
import { readSql } from '../stores/sql-files.js';
import { toClickHouseDateTime } from '../stores/datetime.js';
import type { QueryParams, RowPayload, Store } from '../stores/store.js';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { refreshIdentities } from '../pipeline/identity-refresh.js';
import { refreshJourneys } from '../pipeline/journey-refresh.js';
import { consecutiveRuns, DAY_MS } from '../pipeline/rollup-refresh.js';
import { funnelRollupSql } from '../pipeline/funnel-rollup-sql.js';
import { readFunnel } from '../metrics/funnel-reader.js';

const PIPELINE = 'bench';
const START_MS = Date.UTC(2026, 10, 1);
const DAYS = 28;
const NEW_LINKS = 10_000;
const READS = 5;

/** How N identifiers and M links are made (sql/bench/generate_identity_links.sql says what each segment is). */
export interface IdentityShape {
  identifiers: number;
  devices: number;
  users: number;
  contacts: number;
  /** Kiosk devices, each with `giantLinks` links (more than identity.maxLinks). */
  giants: number;
  giantLinks: number;
  /** Users with 1–3 devices (the login segment). */
  loginUsers: number;
  contactLinks: number;
  sharedLinks: number;
  aliasChains: number;
  links: number;
  /** Offsets of the segments: logins, contacts, shared devices, giants, aliases. */
  bounds: number[];
}

/**
 * 70% devices, 25% userIds, 5% CRM contacts; of the links 80% of the
 * contacts' (at most 15%), 2% shared devices, 1% alias pairs, a kiosk per
 * million identifiers (at least 3) with 4 × maxLinks links, the rest logins
 * of users with 1, 2 or 3 devices.
 */
export function identityShape(identifiers: number, links: number, maxLinks: number): IdentityShape {
  const devices = Math.round(identifiers * 0.7);
  const users = Math.round(identifiers * 0.25);
  const contacts = identifiers - devices - users;
  const giants = Math.max(3, Math.round(identifiers / 1_000_000));
  const giantLinks = 4 * maxLinks;
  const contactLinks = Math.min(Math.round(contacts * 0.8), Math.round(links * 0.15));
  const sharedLinks = Math.round(links * 0.02);
  const aliasChains = Math.round((links * 0.01) / 4);
  const logins = links - contactLinks - sharedLinks - giants * giantLinks - 4 * aliasChains;
  const loginUsers = 3 * Math.ceil(logins / 6);
  if (logins < 6 || giants + 3 * loginUsers > devices || loginUsers + 2 * aliasChains > users) {
    throw new Error(`--links ${links} does not fit --identifiers ${identifiers}: use at most ~${Math.floor(identifiers * 0.45)} links`);
  }
  const bounds = [0, logins, logins + contactLinks, logins + contactLinks + sharedLinks, logins + contactLinks + sharedLinks + giants * giantLinks];
  return { identifiers, devices, users, contacts, giants, giantLinks, loginUsers, contactLinks, sharedLinks, aliasChains, links, bounds };
}

function shapeParams(shape: IdentityShape): QueryParams {
  return {
    pipeline: PIPELINE,
    start_ms: START_MS,
    days: DAYS,
    identifiers: shape.identifiers,
    devices: shape.devices,
    users: shape.users,
    contacts: shape.contacts,
    giants: shape.giants,
    giant_links: shape.giantLinks,
    login_users: shape.loginUsers,
    contact_links: shape.contactLinks,
    links: shape.links,
    bounds: shape.bounds,
  };
}

/** Peak RSS and heap while a phase runs: sampled every 100 ms, and the kernel's high-water mark (Linux: reset per phase). */
export interface PhaseFigures {
  seconds: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** Heap before the phase (after a full GC): what the phase itself added is peakHeapMiB minus this. */
  startHeapMiB: number;
  /** RSS before the phase: memory that chDB and V8 kept from earlier phases stays in the process. */
  startRssMiB: number;
  /** Time per query shape (the first words of its SQL): where the phase spends it. */
  queries: Array<{ sql: string; calls: number; ms: number }>;
}

const MiB = 2 ** 20;

function settle(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function kernelPeakRss(): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Times every call of a store by the shape of its SQL (whitespace folded, first 72 characters). */
class ProfiledStore implements Store {
  readonly totals = new Map<string, { calls: number; ms: number }>();
  constructor(private readonly inner: Store) {}
  get description(): string {
    return this.inner.description;
  }
  command(sql: string, params?: QueryParams): Promise<void> {
    return this.timed(sql, () => this.inner.command(sql, params));
  }
  query<Row>(sql: string, params?: QueryParams): Promise<Row[]> {
    return this.timed(sql, () => this.inner.query<Row>(sql, params));
  }
  queryText(sql: string, params?: QueryParams): Promise<string> {
    return this.timed(sql, () => this.inner.queryText(sql, params));
  }
  insertCompactRows(table: string, columns: readonly string[], rows: RowPayload): Promise<void> {
    return this.timed(`INSERT INTO ${table}`, () => this.inner.insertCompactRows(table, columns, rows));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  private async timed<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await run();
    } finally {
      const shape = sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ').trim().slice(0, 72);
      const total = this.totals.get(shape) ?? { calls: 0, ms: 0 };
      total.calls += 1;
      total.ms += performance.now() - started;
      this.totals.set(shape, total);
    }
  }
}

async function measure<T>(store: ProfiledStore, run: () => Promise<T>): Promise<{ result: T; figures: PhaseFigures }> {
  const startHeap = settle();
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  let peakHeap = startHeap;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
  } catch {
    // not Linux: the sampled peak only
  }
  store.totals.clear();
  const timer = setInterval(sample, 100);
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(timer);
  sample();
  const queries = [...store.totals].map(([sql, t]) => ({ sql, calls: t.calls, ms: Math.round(t.ms) })).sort((a, b) => b.ms - a.ms);
  const figures = {
    seconds: Math.round(seconds * 100) / 100,
    peakRssMiB: Math.round(Math.max(peakRss, kernelPeakRss()) / MiB),
    peakHeapMiB: Math.round(peakHeap / MiB),
    startHeapMiB: Math.round(startHeap / MiB),
    startRssMiB: Math.round(startRss / MiB),
    queries: queries.slice(0, 6),
  };
  return { result, figures };
}

/** The funnel_hourly partitions of the days, rebuilt as refreshRollups rebuilds them (staging table, REPLACE PARTITION). */
async function rebuildFunnelRollup(store: Store, pipeline: CompiledPipeline, days: readonly number[]): Promise<void> {
  const staging = `funnel_hourly_staging_bench_${process.pid}`;
  await store.command(`CREATE TABLE ${staging} AS funnel_hourly_staging`);
  try {
    for (const run of consecutiveRuns(days)) {
      await store.command(`TRUNCATE TABLE ${staging}`);
      await store.command(funnelRollupSql('funnel_hourly'), {
        staging,
        pipeline: pipeline.name,
        stage_names: pipeline.stageNames,
        day_start: toClickHouseDateTime(run[0]!),
        day_end: toClickHouseDateTime(run[run.length - 1]! + DAY_MS),
      });
      const staged = new Set((await store.query<{ day: number | string }>(`SELECT DISTINCT toYYYYMMDD(hour) AS day FROM ${staging}`)).map((r) => Number(r.day)));
      for (const dayMs of run) {
        const day = Number(new Date(dayMs).toISOString().slice(0, 10).replaceAll('-', ''));
        // ClickHouse refuses to replace a partition from an empty source.
        if (staged.has(day)) await store.command(`ALTER TABLE funnel_hourly REPLACE PARTITION tuple('${PIPELINE}', ${day}) FROM ${staging}`);
      }
    }
  } finally {
    await store.command(`DROP TABLE IF EXISTS ${staging}`);
  }
}

async function count(store: Store, sql: string): Promise<number> {
  const [row] = await store.query<{ n: number | string }>(sql, { pipeline: PIPELINE });
  return Number(row?.n ?? 0);
}

function line(name: string, f: PhaseFigures, extra = ''): string {
  return `${name.padEnd(34)} ${f.seconds.toFixed(2).padStart(9)} s   peak RSS ${String(f.peakRssMiB).padStart(6)} MiB (from ${f.startRssMiB})   peak heap ${String(f.peakHeapMiB).padStart(5)} MiB (from ${f.startHeapMiB})${extra}`;
}

type Report = (name: string, key: string, figures: PhaseFigures, extra?: string) => void;

/** Person journeys from the full stitching's keys (as refreshRollups passes them), the funnel_hourly rollup, the person funnel read. */
async function personPhases(
  store: ProfiledStore,
  pipeline: CompiledPipeline,
  days: readonly number[],
  keys: readonly string[],
  report: Report,
  log: (message: string) => void,
): Promise<{ journeyCount: number; funnelMs: number }> {
  const watermarkMs = START_MS + (DAYS + 10) * DAY_MS;
  const journeys = await measure(store, () => refreshJourneys(store, { pipeline, days, watermarkMs, extraKeys: keys }));
  const journeyCount = await count(store, 'SELECT count() AS n FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0');
  report('person journeys (refreshJourneys)', 'person_journeys', journeys.figures, `   ${journeyCount.toLocaleString('en-US')} journeys`);

  const rollup = await measure(store, () => rebuildFunnelRollup(store, pipeline, journeys.result));
  report('funnel_hourly rollup', 'funnel_rollup', rollup.figures, `   ${journeys.result.length} days`);

  const read = () => readFunnel(store, { pipeline: PIPELINE, stageNames: pipeline.stageNames, level: 'person', mode: 'reached', range: {} });
  const first = await read();
  const times: number[] = [];
  for (let i = 0; i < READS; i++) times.push((await measure(store, read)).figures.seconds * 1000);
  const funnelMs = times.sort((a, b) => a - b)[Math.floor(READS / 2)]!;
  log(`person funnel (readFunnel, median of ${READS}) ${funnelMs.toFixed(0).padStart(9)} ms   entered ${first.stages.map((s) => s.entered.toLocaleString('en-US')).join(' → ')}`);
  return { journeyCount, funnelMs };
}

/**
 * `npm run bench -- identity [--identifiers N] [--links M] [--stitching-only] [--profile] [--json]`:
 * identity stitching and person journeys on N identifiers (default 10M) and
 * M links (default 3M) generated inside ClickHouse (sql/bench/generate_identity_*.sql)
 * in a temporary store, deleted afterwards. Phases, each timed with its peak
 * RSS (chDB runs in-process: ClickHouse's memory included) and heap: the
 * full stitching (refreshIdentities over every day), the person journeys
 * (refreshJourneys with the stitching's keys, as refreshRollups calls it),
 * the funnel_hourly rollup, the person-level funnel read (median of 5), and
 * a new day of 10k links stitched incrementally (refreshIdentities of that
 * day, then again: nothing left to write). --stitching-only skips the
 * person phases; --profile prints each phase's costliest query shapes.
 * With --json the last line is one JSON object.
 */
export async function runIdentityBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      profile: { type: 'boolean' },
      'stitching-only': { type: 'boolean' },
      identifiers: { type: 'string' },
      links: { type: 'string' },
    },
  });
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  const pipelinesDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));
  const pipeline = compilePipeline({ ...loadDefinition('ecommerce', { pipelinesDir }).definition, name: PIPELINE });
  const shape = identityShape(Number(values.identifiers ?? 10_000_000), Number(values.links ?? 3_000_000), pipeline.definition.identity.maxLinks);
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-identity-'));
  const store = new ProfiledStore(await EmbeddedStore.open({ dir, database: 'bench' }));
  const phases: Record<string, PhaseFigures> = {};
  const report: Report = (name, key, figures, extra = '') => {
    phases[key] = figures;
    log(line(name, figures, extra));
    if (values.profile) for (const q of figures.queries) log(`    ${String(q.ms).padStart(8)} ms  ${String(q.calls).padStart(6)} ×  ${q.sql}`);
  };
  try {
    await migrate(store);
    let started = performance.now();
    const params = { ...shapeParams(shape), stage_names: pipeline.stageNames };
    await store.command(readSql('bench/generate_identity_links.sql'), params);
    await store.command(readSql('bench/generate_identity_events.sql'), params);
    const links = await count(store, 'SELECT count() AS n FROM identity_links WHERE pipeline = {pipeline:String}');
    const events = await count(store, 'SELECT count() AS n FROM events WHERE pipeline = {pipeline:String}');
    log(
      `generated in ClickHouse in ${((performance.now() - started) / 1000).toFixed(1)}s: ${shape.identifiers.toLocaleString('en-US')} identifiers ` +
        `(${shape.loginUsers.toLocaleString('en-US')} users with 1–3 devices, ${shape.contactLinks.toLocaleString('en-US')} contacts linked, ` +
        `${shape.sharedLinks.toLocaleString('en-US')} shared devices, ${shape.giants} kiosks × ${shape.giantLinks}, ${shape.aliasChains.toLocaleString('en-US')} alias chains), ` +
        `${shape.links.toLocaleString('en-US')} links (${links.toLocaleString('en-US')} rows), ${events.toLocaleString('en-US')} events over ${DAYS} days`,
    );
    const days = Array.from({ length: DAYS }, (_, i) => START_MS + i * DAY_MS);

    const full = await measure(store, () => refreshIdentities(store, { pipeline, days }));
    const persons = await count(store, 'SELECT uniqExact(person_id) AS n FROM identity_persons FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0');
    report('full stitching (refreshIdentities)', 'full_stitching', full.figures, `   ${full.result.written.toLocaleString('en-US')} assignments, ${persons.toLocaleString('en-US')} persons`);

    let journeyCount: number | undefined;
    let funnelMs: number | undefined;
    if (!values['stitching-only']) ({ journeyCount, funnelMs } = await personPhases(store, pipeline, days, full.result.keys, report, log));
    full.result.keys.length = 0;

    const newDay = START_MS + DAYS * DAY_MS;
    started = performance.now();
    await store.command(readSql('bench/generate_identity_increment.sql'), { ...shapeParams(shape), links: NEW_LINKS, day_ms: newDay });
    log(`added ${NEW_LINKS.toLocaleString('en-US')} links on a new day in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    const incremental = await measure(store, () => refreshIdentities(store, { pipeline, days: [newDay] }));
    report('incremental stitching (one day)', 'incremental_stitching', incremental.figures, `   ${incremental.result.written.toLocaleString('en-US')} assignments, ${incremental.result.keys.length.toLocaleString('en-US')} keys`);
    const again = await measure(store, () => refreshIdentities(store, { pipeline, days: [newDay] }));
    report('  the same day again (no change)', 'incremental_again', again.figures, `   ${again.result.written} assignments`);

    if (values.json) {
      const { bounds: _bounds, ...sizes } = shape;
      console.log(JSON.stringify({ ...sizes, link_rows: links, events, persons, journeys: journeyCount ?? null, person_funnel_read_ms: funnelMs ?? null, phases }));
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
