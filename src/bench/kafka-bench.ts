import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { EmbeddedStore } from '../stores/embedded-store.js';
import { migrate } from '../stores/migrate.js';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline } from '../pipeline/compiled-pipeline.js';
import { KafkaRunner } from '../sources/kafka/kafka-runner.js';
import { createKafkaClient } from '../sources/kafka/kafka-client.js';
import { kafkaRunOptionsSchema } from '../sources/kafka/kafka-options.js';
import { partitionKeyOf } from '../sources/kafka/partition-key.js';
import { createLogger } from '../observability/logger.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { generateEvents } from '../sources/generator/index.js';
import { DEFAULT_LIMITS } from '../events/limits.js';
import { benchEndToEnd } from './e2e-bench.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const KAFKA_LOCAL = join(REPO, 'scripts/kafka-local.sh');

/** The brokers to use, and whether this run started the local one (and so stops it at the end). */
function brokers(log: (message: string) => void): { address: string; startedHere: boolean } {
  if (process.env['KAFKA_BROKERS']) return { address: process.env['KAFKA_BROKERS'], startedHere: false };
  const runningBefore = spawnSync('bash', [KAFKA_LOCAL, 'status'], { stdio: 'ignore' }).status === 0;
  if (!runningBefore) log('starting the local broker (scripts/kafka-local.sh) …');
  const address = execFileSync('bash', [KAFKA_LOCAL, 'start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return { address, startedHere: !runningBefore };
}

/**
 * `npm run bench -- kafka [--json] [--events N]`: on the local broker, the raw
 * kafkajs consume rate (no processing), consume → sessionize → embedded
 * store end to end, and the file path (journeys ingest) on the same events,
 * all in the same run: the Kafka path is judged against the file path.
 */
export async function runKafkaBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, events: { type: 'string' } } });
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  const { address, startedHere } = brokers(log);
  try {
    await measure(address, values, log);
  } finally {
    // A broker left idle kept ~20% of a core busy and skewed later benchmarks.
    if (startedHere) execFileSync('bash', [KAFKA_LOCAL, 'stop'], { stdio: 'ignore' });
  }
}

async function measure(address: string, values: { json?: boolean | undefined; events?: string | undefined }, log: (message: string) => void): Promise<void> {
  const wanted = Number(values.events ?? 300_000);
  const kafka = createKafkaClient({ clientId: 'journeys-bench', brokers: address.split(',') });
  const topic = `bench-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] });
  await admin.disconnect();

  const pipeline = compilePipeline(loadDefinition('ecommerce', { pipelinesDir: join(REPO, 'pipelines') }).definition);
  const producer = kafka.producer();
  await producer.connect();
  let produced = 0;
  // The same events as a file, for the file path in the same run.
  const fileDir = mkdtempSync(join(tmpdir(), 'journeys-kafka-bench-file-'));
  const file = join(fileDir, 'events.ndjson');
  const out = createWriteStream(file);
  let batch: Array<{ key: string | null; value: string }> = [];
  const ctx = { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: undefined, receivedAtMs: Date.now() };
  for (const { line } of generateEvents({ seed: 3, days: 7, visitorsPerDay: Math.ceil(wanted / 7 / 7.1) })) {
    if (line.trim() === '') continue;
    const decoded = pipeline.decode({ raw: line, origin: { kind: 'generator', line: produced } }, ctx);
    batch.push({ key: decoded.kind === 'ok' ? partitionKeyOf(decoded.value, pipeline.definition.identity) : null, value: line });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    if (batch.length === 500) {
      await producer.send({ topic, acks: -1, messages: batch });
      produced += batch.length;
      batch = [];
    }
    if (produced >= wanted) break;
  }
  if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
  produced += batch.length;
  await producer.disconnect();
  out.end();
  await once(out, 'finish');
  log(`produced ${produced.toLocaleString('en-US')} events to ${topic} (3 partitions)`);

  // Raw kafkajs: consume and count, nothing else.
  const raw = kafka.consumer({ groupId: `raw-${topic}` });
  await raw.connect();
  await raw.subscribe({ topics: [topic], fromBeginning: true });
  let consumed = 0;
  const rawStarted = process.hrtime.bigint();
  await new Promise<void>((resolve) => {
    void raw.run({
      eachBatch: async ({ batch: b }) => {
        consumed += b.messages.length;
        if (consumed >= produced) resolve();
      },
    });
  });
  const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;
  await raw.disconnect();
  const rawRate = Math.round(produced / rawSeconds);
  log(`raw kafkajs consume: ${rawRate.toLocaleString('en-US')} events/s`);

  // End to end: journeys run --until-caught-up into a fresh embedded store.
  const dir = mkdtempSync(join(tmpdir(), 'journeys-kafka-bench-'));
  const store = await EmbeddedStore.open({ dir, database: 'bench' });
  await migrate(store);
  const registry = createMetricsRegistry();
  const runner = new KafkaRunner({
    pipeline,
    store,
    logger: createLogger({ component: 'bench', level: 'warn' }),
    registry,
    options: kafkaRunOptionsSchema.parse({ brokers: address.split(','), topics: [topic], groupId: `e2e-${topic}`, untilCaughtUp: true }),
  });
  const started = process.hrtime.bigint();
  await runner.start();
  await runner.done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (process.env['JOURNEYS_BENCH_METRICS']) log(await registry.metrics());
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const e2eRate = Math.round(produced / seconds);
  log(`consume → sessionize → embedded store (rollups included): ${e2eRate.toLocaleString('en-US')} events/s (${(e2eRate / rawRate * 100).toFixed(0)}% of raw)`);
  const filePath = await benchEndToEnd(pipeline, file);
  rmSync(fileDir, { recursive: true, force: true });
  const fileRate = Math.round(filePath.events / filePath.seconds);
  const kafkaToFile = Math.round((e2eRate / fileRate) * 1000) / 1000;
  log(`the same events from a file (journeys ingest): ${fileRate.toLocaleString('en-US')} events/s; Kafka = ${kafkaToFile} × the file path`);
  if (values.json) {
    console.log(
      JSON.stringify({
        raw_consume_events_per_s: rawRate,
        end_to_end_events_per_s: e2eRate,
        ratio: Math.round((e2eRate / rawRate) * 1000) / 1000,
        file_events_per_s: fileRate,
        kafka_to_file_ratio: kafkaToFile,
      }),
    );
  }
}
