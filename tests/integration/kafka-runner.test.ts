import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Registry } from 'prom-client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestStore } from '../helpers/store.js';
import { createTopics, kafkaBrokers, randomName, readTopic, sendRaw, withAdmin } from '../helpers/kafka.js';
import { arrivalIndependentResults } from '../helpers/kafka-results.js';
import { FaultyStore } from '../helpers/faulty-store.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { KafkaRunner } from '../../src/sources/kafka/kafka-runner.js';
import { kafkaRunOptionsSchema, type KafkaRunOptionsInput } from '../../src/sources/kafka/kafka-options.js';
import { partitionKeyOf } from '../../src/sources/kafka/partition-key.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import { promtoolCheck, samplesOf } from '../helpers/exposition.js';
import { generateEvents } from '../../src/sources/generator/index.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import { writeTemp } from '../helpers/store.js';
import type { QueryParams, Store } from '../../src/stores/store.js';

const definition = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
const pipelineNamed = (name: string): CompiledPipeline => compilePipeline({ ...definition, name });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A real store whose reads wait until `release()`: a consumer stuck restoring its partitions' state, before any batch. */
function heldReads(inner: Store) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const store: Store = {
    description: `held(${inner.description})`,
    command: (sql: string, params?: QueryParams) => inner.command(sql, params),
    query: async <Row,>(sql: string, params?: QueryParams) => {
      await released;
      return inner.query<Row>(sql, params);
    },
    queryText: async (sql: string, params?: QueryParams) => {
      await released;
      return inner.queryText(sql, params);
    },
    insertCompactRows: (table: string, columns: readonly string[], rows: Parameters<Store['insertCompactRows']>[2]) => inner.insertCompactRows(table, columns, rows),
    close: () => inner.close(),
  };
  return { store, release };
}

/** Generated shop traffic as lines, and as keyed Kafka messages (keys per the partitioning contract). */
function traffic(seed: number, visitorsPerDay: number) {
  const lines = [...generateEvents({ seed, days: 1, visitorsPerDay })].map((g) => g.line).filter((line) => line.trim() !== '');
  const pipeline = pipelineNamed('keys');
  const messages = lines.map((raw) => {
    const decoded = pipeline.decode({ raw, origin: { kind: 'generator', line: 0 } }, { limits: DEFAULT_LIMITS, identity: definition.identity, emailSalt: undefined, receivedAtMs: Date.now() });
    return { key: decoded.kind === 'ok' ? partitionKeyOf(decoded.value, definition.identity) : null, value: raw };
  });
  return { lines, messages };
}

describe('Kafka consumer in process (real broker, real embedded store)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let brokers: string;
  const logger = createLogger({ component: 'test', level: 'warn' });

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    ({ store, cleanup } = await openTestStore());
  });
  afterAll(async () => cleanup());

  function runner(
    pipeline: CompiledPipeline,
    options: Partial<KafkaRunOptionsInput> & { topics: string[]; groupId: string },
    deps: { store?: Store; registry?: Registry; lagIntervalMs?: number } = {},
  ) {
    return new KafkaRunner({
      pipeline,
      store: deps.store ?? store,
      logger,
      registry: deps.registry ?? createMetricsRegistry(),
      lagIntervalMs: deps.lagIntervalMs,
      options: kafkaRunOptionsSchema.parse({ brokers: brokers.split(','), checkpointIntervalMs: 300, sessionTimeoutMs: 6_000, ...options }),
    });
  }

  async function reference(name: string, lines: string[]): Promise<string> {
    const pipeline = pipelineNamed(name);
    await ingestFiles(store, pipeline, [writeTemp(`${name}.ndjson`, lines)]);
    return arrivalIndependentResults(store, pipeline);
  }

  /**
   * Generated traffic sent to a fresh topic, the pipeline a Kafka run of it
   * writes under (`<name>_kafka`), and what a file ingest of the same lines
   * gives under that name.
   */
  async function scenario(name: string, seed: number, visitorsPerDay: number, partitions: number) {
    const { lines, messages } = traffic(seed, visitorsPerDay);
    const expected = (await reference(`${name}_ref`, lines)).replaceAll(`${name}_ref`, `${name}_kafka`);
    const topic = randomName('site-events');
    await createTopics([topic], partitions);
    await sendRaw(topic, messages);
    return { expected, topic, pipeline: pipelineNamed(`${name}_kafka`) };
  }

  it('two consumers in one group, with a rebalance in the middle, give the same results', async () => {
    const { expected, topic, pipeline } = await scenario('rebalance', 21, 2500, 4);
    const group = randomName('g');
    const first = runner(pipeline, { topics: [topic], groupId: group, untilCaughtUp: true });
    await first.start();
    await sleep(700);
    const second = runner(pipeline, { topics: [topic], groupId: group, untilCaughtUp: true });
    await second.start();
    await Promise.all([first.done, second.done]);
    expect(await arrivalIndependentResults(store, pipeline)).toBe(expected);
  }, 120_000);

  it('sends malformed messages to the dead-letter topic and table, and the partition keeps flowing', async () => {
    const topic = randomName('site-events');
    await createTopics([topic], 1);
    const valid = traffic(5, 150).messages.slice(0, 200);
    const bad = [
      { key: 'x', value: 'not json at all' },
      { key: 'y', value: '{"type":"track","event":"Product Viewed","timestamp":"2026-11-02T10:00:00Z"}' },
      { key: 'z', value: null },
    ];
    await sendRaw(topic, [...valid.slice(0, 100), ...bad, ...valid.slice(100)]);
    const pipeline = pipelineNamed('dead_letters_kafka');
    const registry = createMetricsRegistry();
    const consumer = runner(pipeline, { topics: [topic], groupId: randomName('g'), untilCaughtUp: true }, { registry });
    const startedAtS = Date.now() / 1000;
    await consumer.start();
    await consumer.done;
    // The dead-letter topic may have several partitions: order by origin.
    const dead = (await readTopic(`${topic}.dead`, 3)).sort((a, b) => a.headers['journeys-origin']!.localeCompare(b.headers['journeys-origin']!));
    expect(dead.map((m) => m.value)).toEqual(['not json at all', bad[1]!.value, '']);
    expect(dead[0]!.headers).toMatchObject({ 'journeys-step': 'decode-json', 'journeys-origin': `${topic}/0@100` });
    expect(dead[1]!.headers['journeys-reason']).toMatch(/no identity/);
    // The metrics say the same: 203 messages read, one letter at each of three steps, nothing left to read.
    const exposition = await registry.metrics();
    const samples = samplesOf(exposition);
    const series = (name: string, labels: string) => samples.get(`${name}{${labels}}`);
    expect(series('journeys_events_in_total', `topic="${topic}"`)).toBe(203);
    expect(series('journeys_dead_letters_total', `topic="${topic}",step="decode-json"`)).toBe(1);
    expect(series('journeys_dead_letters_total', `topic="${topic}",step="validate-segment"`)).toBe(1);
    expect(series('journeys_dead_letters_total', `topic="${topic}",step="read"`)).toBe(1);
    expect(series('journeys_dead_letters_total', `topic="${topic}",step="normalize-segment"`)).toBe(0);
    expect(series('journeys_consumer_lag', `topic="${topic}",partition="0"`)).toBe(0);
    expect(series('journeys_last_checkpoint_timestamp_seconds', 'partition="0"')).toBeGreaterThanOrEqual(Math.floor(startedAtS));
    expect(series('journeys_last_checkpoint_timestamp_seconds', 'partition="0"')).toBeLessThanOrEqual(Date.now() / 1000);
    expect(series('journeys_store_write_seconds_count', 'table="events"')).toBeGreaterThan(0);
    expect(series('journeys_store_write_seconds_count', 'table="dead_letters"')).toBeGreaterThan(0);
    expect(samples.get('journeys_batch_seconds_count')).toBeGreaterThan(0);
    expect(promtoolCheck(exposition)).toEqual({ status: 0, output: '' });
    const rows = await store.query<{ origin: string; step: string }>('SELECT origin, step FROM dead_letters FINAL WHERE pipeline = {p:String} ORDER BY origin', { p: pipeline.name });
    expect(rows.map((r) => r.origin)).toEqual([`${topic}/0@100`, `${topic}/0@101`, `${topic}/0@102`]);
    // Everything after the poison messages was processed.
    const [events] = await store.query<{ n: string | number }>('SELECT count() AS n FROM events FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    expect(Number(events!.n)).toBeGreaterThan(150);
  }, 120_000);

  it('a batch where every record is invalid: its letters go out in sends the broker accepts, a huge one cut, and the partition flows on', async () => {
    const topic = randomName('site-events');
    await createTopics([topic], 1);
    // ~4 MB of letters from one fetch: one request of them was refused (MESSAGE_TOO_LARGE) and the consumer stopped for good.
    const flood = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i % 7}`, value: `not json ${i} ${'x'.repeat(200)}` }));
    const huge = { key: 'huge', value: `{"broken": "${'y'.repeat(300_000)}` };
    // Valid traffic after the flood (the generator's noise left out: a malformed line would be one more letter).
    await sendRaw(topic, [...flood, huge, ...traffic(6, 150).messages.filter((m) => m.key !== null).slice(0, 100)]);
    const pipeline = pipelineNamed('flood_kafka');
    const consumer = runner(pipeline, { topics: [topic], groupId: randomName('g'), untilCaughtUp: true, deadLetterMaxBytes: 16_384 });
    await consumer.start();
    await consumer.done;
    const dead = await readTopic(`${topic}.dead`, flood.length + 1);
    expect(dead).toHaveLength(flood.length + 1);
    expect(new Set(dead.map((m) => m.headers['journeys-origin'])).size).toBe(flood.length + 1);
    const cut = dead.find((m) => m.headers['journeys-origin'] === `${topic}/0@${flood.length}`)!;
    expect(cut.headers['journeys-truncated']).toBe(String(huge.value.length));
    expect(cut.value.length).toBeLessThan(16_384);
    expect(huge.value.startsWith(cut.value)).toBe(true);
    expect(dead.find((m) => m.headers['journeys-origin'] === `${topic}/0@7`)).toMatchObject({ value: flood[7]!.value, headers: { 'journeys-step': 'decode-json' } });
    // The table keeps every letter whole.
    const [rows] = await store.query<{ n: string; longest: string }>('SELECT count() AS n, max(length(raw)) AS longest FROM dead_letters FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    expect({ n: Number(rows!.n), longest: Number(rows!.longest) }).toEqual({ n: flood.length + 1, longest: huge.value.length });
    const [events] = await store.query<{ n: string }>('SELECT count() AS n FROM events FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    expect(Number(events!.n)).toBeGreaterThan(50);
  }, 120_000);

  it('bytes that are not valid UTF-8: a valid event is accepted (U+FFFD), a dead letter keeps them in the topic and the table', async () => {
    const topic = randomName('site-events');
    await createTopics([topic], 1);
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    const event = latin1('{"type":"track","event":"Product Viewed","messageId":"m-latin1","anonymousId":"a1","timestamp":"2026-11-02T10:00:00Z","properties":{"name":"Café"}}');
    const broken = latin1('{"type":"track","event":"Café"');
    await sendRaw(topic, [{ key: 'a1', value: event }, { key: 'b', value: broken }]);
    const pipeline = pipelineNamed('utf8_kafka');
    const consumer = runner(pipeline, { topics: [topic], groupId: randomName('g'), untilCaughtUp: true });
    await consumer.start();
    await consumer.done;
    const [dead] = await readTopic(`${topic}.dead`, 1);
    expect(dead!.bytes.equals(broken)).toBe(true);
    const rows = await store.query<{ raw: string; raw_base64: string }>('SELECT raw, raw_base64 FROM dead_letters FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    expect(rows).toEqual([{ raw: '{"type":"track","event":"Caf\uFFFD"', raw_base64: broken.toString('base64') }]);
    const events = await store.query<{ properties: string }>('SELECT properties FROM events FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    expect(events.map((e) => JSON.parse(e.properties))).toEqual([{ name: 'Caf\uFFFD' }]);
  }, 120_000);

  it('survives a store outage: inserts are retried and nothing is lost', async () => {
    const { expected, topic, pipeline } = await scenario('outage', 33, 1200, 2);
    const faulty = new FaultyStore(store);
    faulty.down = true;
    const registry = createMetricsRegistry();
    const consumer = runner(pipeline, { topics: [topic], groupId: randomName('g'), untilCaughtUp: true }, { store: faulty, registry });
    await consumer.start();
    await sleep(4_000);
    expect(faulty.failedInserts).toBeGreaterThan(0);
    faulty.down = false;
    await consumer.done;
    expect(samplesOf(await registry.metrics()).get('journeys_store_write_retries_total{table="events"}')).toBeGreaterThan(0);
    expect(await arrivalIndependentResults(store, pipeline)).toBe(expected);
  }, 120_000);

  it('stops without committing when a write fails for good, and a restart converges exactly', async () => {
    const { expected, topic, pipeline } = await scenario('fatal', 44, 1200, 2);
    const group = randomName('g');
    // A few inserts land (and checkpoints commit), then the store refuses for good.
    const faulty = new FaultyStore(store);
    faulty.fatalAfterInserts = 4;
    const failing = runner(pipeline, { topics: [topic], groupId: group, untilCaughtUp: true, checkpointIntervalMs: 50 }, { store: faulty });
    await failing.start();
    await expect(failing.done).rejects.toThrow(/refused \(injected, not retriable\)/);
    // The restart (healthy store) resumes from the committed offsets and checkpoints.
    const restarted = runner(pipeline, { topics: [topic], groupId: group, untilCaughtUp: true });
    await restarted.start();
    await restarted.done;
    expect(await arrivalIndependentResults(store, pipeline)).toBe(expected);
  }, 120_000);

  it('reads the lag of a stuck consumer from the broker on a timer, and it falls to 0 once caught up', async () => {
    const topic = randomName('site-events');
    await createTopics([topic], 2);
    const { messages } = traffic(9, 150);
    await sendRaw(topic, messages);
    const marks = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
    const pipeline = pipelineNamed('stuck_kafka');
    const held = heldReads(store);
    const registry = createMetricsRegistry();
    // A long session timeout: the held member must not be dropped from the group meanwhile.
    const consumer = runner(pipeline, { topics: [topic], groupId: randomName('g'), untilCaughtUp: true, sessionTimeoutMs: 30_000 }, { store: held.store, registry, lagIntervalMs: 200 });
    await consumer.start();
    const lagOf = (samples: Map<string, number>, partition: number) => samples.get(`journeys_consumer_lag{topic="${topic}",partition="${partition}"}`);
    let samples = samplesOf(await registry.metrics());
    for (let i = 0; i < 100 && (lagOf(samples, 0) === undefined || lagOf(samples, 1) === undefined); i++) {
      await sleep(100);
      samples = samplesOf(await registry.metrics());
    }
    // Nothing processed, nothing committed: the lag is every message of the partition, and no batch ever set it.
    expect(marks.map(({ partition, high }) => [partition, lagOf(samples, partition)])).toEqual(marks.map(({ partition, high }) => [partition, Number(high)]));
    expect((lagOf(samples, 0) ?? 0) + (lagOf(samples, 1) ?? 0)).toBe(messages.length);
    expect(samples.get(`journeys_events_in_total{topic="${topic}"}`)).toBe(0);
    held.release();
    await consumer.done;
    samples = samplesOf(await registry.metrics());
    expect([lagOf(samples, 0), lagOf(samples, 1)]).toEqual([0, 0]);
    expect(samples.get(`journeys_events_in_total{topic="${topic}"}`)).toBe(messages.length);
  }, 120_000);

  it('closes the sessions of a quiet partition without new traffic (idle watermark)', async () => {
    const topic = randomName('site-events');
    await createTopics([topic], 1);
    await sendRaw(topic, traffic(8, 300).messages.slice(0, 300));
    const pipeline = pipelineNamed('idle_kafka');
    const consumer = runner(pipeline, { topics: [topic], groupId: randomName('g'), idleAfterMs: 1_500 });
    await consumer.start();
    const openSessions = async () =>
      Number((await store.query<{ n: string }>('SELECT countIf(is_open = 1) AS n FROM sessions FINAL WHERE pipeline = {p:String} AND is_deleted = 0', { p: pipeline.name }))[0]!.n);
    const sessions = async () => Number((await store.query<{ n: string }>('SELECT count() AS n FROM sessions FINAL WHERE pipeline = {p:String}', { p: pipeline.name }))[0]!.n);
    // First the checkpoint writes the last sessions as still open …
    for (let i = 0; i < 40 && (await sessions()) === 0; i++) await sleep(250);
    // … then, with no new message, the idle watermark closes them.
    let open = await openSessions();
    for (let i = 0; i < 40 && open > 0; i++) {
      await sleep(250);
      open = await openSessions();
    }
    await consumer.stop();
    expect(await sessions()).toBeGreaterThan(0);
    expect(open).toBe(0);
  }, 60_000);
});
