import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { generateEvents } from '../sources/generator/index.js';
import { DEFAULT_LIMITS } from '../events/limits.js';
import { withEventTimeOnly } from '../sources/generator/live-line.js';
import { isPlainObject } from '../core/plain-object.js';
import { CALL_TYPES } from '../collector/segment-messages.js';
import { createProgress } from '../cli/progress.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'bin/journeys.js');
const WRITE_KEY = 'bench';
/** What the children must not inherit: the bench names store, broker and keys itself. */
const FOREIGN_ENV = ['JOURNEYS_STORE', 'JOURNEYS_DATABASE', 'JOURNEYS_PIPELINE', 'KAFKA_BROKERS', 'JOURNEYS_WRITE_KEYS', 'HUBSPOT_CLIENT_SECRET'];

/**
 * N generated e-commerce messages as a site would post them live: the event
 * time as `timestamp` and nothing else of the clocks. The collector stamps
 * receivedAt itself, so a historic originalTimestamp/sentAt pair would be
 * skew-corrected against today's clock (events/time.ts). Only messages the
 * pipeline takes, each once: every acknowledged event should be stored.
 */
function liveMessages(pipeline: CompiledPipeline, wanted: number): string[] {
  const ctx = { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: undefined, receivedAtMs: Date.now() };
  const seen = new Set<string>();
  const out: string[] = [];
  // ~7.1 lines per visitor over a week (bench-input.ts), plus headroom for the noise left out.
  for (const { line } of generateEvents({ scenario: 'ecommerce', seed: 7, days: 7, visitorsPerDay: Math.ceil((wanted * 1.1) / 7 / 7.1) })) {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isPlainObject(message) || !CALL_TYPES.some((type) => type === message['type'])) continue;
    const raw = withEventTimeOnly(line);
    // Unchanged: it had no usable time (or was in that form already); either way the next line is taken.
    if (raw === line) continue;
    const decoded = pipeline.decode({ raw, origin: { kind: 'generator', line: out.length } }, ctx);
    if (decoded.kind !== 'ok' || seen.has(decoded.value.eventId)) continue;
    seen.add(decoded.value.eventId);
    out.push(raw);
    if (out.length === wanted) break;
  }
  return out;
}

/** A `journeys …` child process of the built CLI, with its stderr tail and its peak RSS sampled from /proc. */
function journeys(args: readonly string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of FOREIGN_ENV) delete env[name];
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let peakKb = 0;
  let running = true;
  // VmHWM only grows: its last reading before the exit is the peak (not read after it: the pid may be reused).
  const readPeak = () => {
    if (!running) return;
    try {
      peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? peakKb);
    } catch {
      // exited between two samples
    }
  };
  const sampler = setInterval(readPeak, 100);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code))).finally(() => {
    running = false;
    clearInterval(sampler);
  });
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    peakRssMb: () => {
      readPeak();
      return Math.round(peakKb / 1024);
    },
  };
}

/** Starts `journeys collect` on a free loopback port; resolves once it listens. */
async function startCollector(sinkArgs: readonly string[]) {
  const run = journeys(['collect', '--pipeline', 'ecommerce', '--port', '0', '--write-key', WRITE_KEY, ...sinkArgs]);
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`journeys collect did not listen within 60 s:\n${run.stderr()}`)), 60_000);
    run.child.stdout.on('data', () => {
      const match = /at http:\/\/[^/\s]+:(\d+)\//.exec(run.stdout());
      if (!match) return;
      clearTimeout(timer);
      done(Number(match[1]));
    });
    void run.exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`journeys collect exited (${code}) before listening:\n${run.stderr()}`));
    });
  });
  return { ...run, port };
}

interface PostResult {
  seconds: number;
  acknowledged: number;
  non200: number;
  latenciesMs: number[];
}

/** POSTs every body to /v1/batch from `concurrency` keep-alive clients; no retries: a non-200 is counted. */
async function postAll(port: number, bodies: readonly { text: string; events: number }[], concurrency: number, label: string): Promise<PostResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const authorization = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`;
  const progress = createProgress(label, { total: bodies.reduce((n, b) => n + b.events, 0) });
  const latenciesMs: number[] = [];
  let next = 0;
  let acknowledged = 0;
  let non200 = 0;
  const post = (body: string) =>
    new Promise<number>((done, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/batch', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization } }, (res) => {
        res.resume();
        res.once('end', () => done(res.statusCode ?? 0));
      });
      req.once('error', fail);
      req.end(body);
    });
  const started = process.hrtime.bigint();
  let lastAck = started;
  const client = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const sent = process.hrtime.bigint();
      const status = await post(body.text);
      const answered = process.hrtime.bigint();
      latenciesMs.push(Number(answered - sent) / 1e6);
      if (status !== 200) {
        non200++;
        continue;
      }
      acknowledged += body.events;
      lastAck = answered;
      progress.update(acknowledged);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  progress.done(acknowledged);
  agent.destroy();
  return { seconds: Number(lastAck - started) / 1e9, acknowledged, non200, latenciesMs };
}

/** The nearest-rank percentile, to a tenth of a millisecond. */
function percentile(sorted: readonly number[], p: number): number {
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  return Math.round(value * 10) / 10;
}

function latencyFigures(latenciesMs: readonly number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

/** A child run to its end: wall seconds, exit code, what it printed. */
async function runToEnd(args: readonly string[]) {
  const started = process.hrtime.bigint();
  const run = journeys(args);
  const code = await run.exited;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`journeys ${args[0]} exited ${code}:\n${run.stderr()}`);
  return { seconds, stdout: run.stdout(), peakRssMb: run.peakRssMb() };
}

/** The events a store holds: rows, and distinct ids (a retried copy is a row until merges collapse it). */
async function storedEvents(store: string): Promise<{ rows: number; distinct: number }> {
  const { stdout } = await runToEnd(['sql', '--store', store, '--format', 'json', 'SELECT count() AS rows, uniqExact(event_id) AS distinct FROM events']);
  const [row] = JSON.parse(stdout.trim().split('\n').pop()!) as Array<{ rows: string | number; distinct: string | number }>;
  return { rows: Number(row?.rows ?? 0), distinct: Number(row?.distinct ?? 0) };
}

/**
 * `npm run bench -- collect [--events N] [--concurrency C] [--batch B]
 * [--brokers host:port] [--json]`: a bounded loopback load test of
 * `journeys collect --store embedded:<dir>` (the built CLI as a child): N
 * generated events posted as /v1/batch bodies of B messages by C keep-alive
 * clients, each 200 meaning a group commit (process + checkpoint) took them.
 * Sustained events/s acknowledged (first request → last 200), request
 * latency, the collector's peak RSS, the events then in the store; and, in
 * the same run, `journeys ingest` of the same events from a file, timed
 * without its fixed cost (start, migrations, close: the same command on a
 * one-event file). With a broker (--brokers or $KAFKA_BROKERS), the Kafka
 * mode too: acknowledged by the topic only.
 */
export async function runCollectorBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean' }, events: { type: 'string' }, concurrency: { type: 'string' }, batch: { type: 'string' }, brokers: { type: 'string' } },
  });
  const wanted = Number(values.events ?? 50_000);
  const concurrency = Number(values.concurrency ?? 16);
  const batch = Number(values.batch ?? 100);
  const brokers = values.brokers ?? process.env['KAFKA_BROKERS'];
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  const n = (v: number) => v.toLocaleString('en-US');
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);

  const pipeline = compilePipeline(loadDefinition('ecommerce', { pipelinesDir: join(REPO, 'pipelines') }).definition);
  const messages = liveMessages(pipeline, wanted);
  const bodies: { text: string; events: number }[] = [];
  for (let i = 0; i < messages.length; i += batch) {
    const chunk = messages.slice(i, i + batch);
    bodies.push({ text: `{"batch":[${chunk.join(',')}]}`, events: chunk.length });
  }
  const dir = mkdtempSync(join(tmpdir(), 'journeys-collector-bench-'));
  const file = join(dir, 'live.ndjson');
  writeFileSync(file, `${messages.join('\n')}\n`);
  writeFileSync(join(dir, 'one.ndjson'), `${messages[0]}\n`);
  log(`${n(messages.length)} live e-commerce events (timestamp only), ${n(bodies.length)} batches of ≤ ${batch}, ${concurrency} clients`);

  try {
    const collectorStore = `embedded:${join(dir, 'collector-store')}`;
    const collector = await startCollector(['--store', collectorStore]);
    const posted = await postAll(collector.port, bodies, concurrency, 'posting');
    const collectorPeakRssMb = collector.peakRssMb();
    const stopping = process.hrtime.bigint();
    collector.child.kill('SIGTERM');
    if ((await collector.exited) !== 0) throw new Error(`journeys collect did not stop cleanly:\n${collector.stderr()}`);
    const stopSeconds = Number(process.hrtime.bigint() - stopping) / 1e9;
    // The final rollup rebuild (and a refresh put off by the load) runs after the last 200.
    const stopPeakRssMb = collector.peakRssMb();
    const stored = await storedEvents(collectorStore);
    const collectorRate = Math.round(posted.acknowledged / posted.seconds);
    const latency = latencyFigures(posted.latenciesMs);
    log(
      `collector → embedded store: ${n(posted.acknowledged)} events acknowledged in ${posted.seconds.toFixed(2)}s = ${n(collectorRate)} events/s; ` +
        `latency p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms; ${posted.non200} non-200; peak RSS ${collectorPeakRssMb} MB; ` +
        `stop (SIGTERM → exit, rollups rebuilt) ${stopSeconds.toFixed(2)}s, peak RSS with it ${stopPeakRssMb} MB; stored ${n(stored.distinct)} events (${n(stored.rows)} rows)`,
    );
    if (stored.distinct < posted.acknowledged) log(`WARNING: ${n(posted.acknowledged - stored.distinct)} acknowledged events are not in the store`);

    const fixed = await runToEnd(['ingest', '--pipeline', 'ecommerce', '--store', `embedded:${join(dir, 'fixed-store')}`, '--input', join(dir, 'one.ndjson'), '--json']);
    const ingest = await runToEnd(['ingest', '--pipeline', 'ecommerce', '--store', `embedded:${join(dir, 'ingest-store')}`, '--input', file, '--json']);
    const ingestRead = (JSON.parse(ingest.stdout.trim().split('\n').pop()!) as { read: number }).read;
    const ingestRate = Math.round(ingestRead / Math.max(ingest.seconds - fixed.seconds, 0.001));
    const toIngest = Math.round((collectorRate / ingestRate) * 1000) / 1000;
    log(
      `journeys ingest of the same file: ${n(ingestRead)} events in ${ingest.seconds.toFixed(2)}s wall − ${fixed.seconds.toFixed(2)}s fixed cost = ${n(ingestRate)} events/s, ` +
        `peak RSS ${ingest.peakRssMb} MB; collector = ${toIngest} × ingest`,
    );

    let kafka: { events_per_s: number; p99_ms: number; non_200: number } | undefined;
    if (brokers) {
      const topic = `bench-collect-${randomUUID().slice(0, 8)}`;
      const toKafka = await startCollector(['--brokers', brokers, '--topic', topic]);
      const sent = await postAll(toKafka.port, bodies, concurrency, 'posting to Kafka');
      toKafka.child.kill('SIGTERM');
      await toKafka.exited;
      kafka = { events_per_s: Math.round(sent.acknowledged / sent.seconds), p99_ms: latencyFigures(sent.latenciesMs).p99, non_200: sent.non200 };
      log(`collector → Kafka (${topic}, acks all): ${n(kafka.events_per_s)} events/s, p99 ${kafka.p99_ms} ms, ${kafka.non_200} non-200`);
    }

    if (values.json) {
      console.log(
        JSON.stringify({
          events: messages.length,
          concurrency,
          batch,
          collector_events_per_s: collectorRate,
          ingest_events_per_s: ingestRate,
          collector_to_ingest_ratio: toIngest,
          p50_ms: latency.p50,
          p99_ms: latency.p99,
          max_ms: latency.max,
          collector_peak_rss_mb: collectorPeakRssMb,
          ingest_peak_rss_mb: ingest.peakRssMb,
          non_200: posted.non200,
          stored_events: stored.distinct,
          collector_stop_s: Math.round(stopSeconds * 100) / 100,
          collector_peak_rss_with_stop_mb: stopPeakRssMb,
          ingest_fixed_s: Math.round(fixed.seconds * 100) / 100,
          ...(kafka ? { kafka_events_per_s: kafka.events_per_s, kafka_p99_ms: kafka.p99_ms, kafka_non_200: kafka.non_200 } : {}),
        }),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
