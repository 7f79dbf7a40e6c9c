import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { createTopics, kafkaBrokers, randomName, readTopic, sendRaw } from '../helpers/kafka.js';
import { arrivalIndependentResults } from '../helpers/kafka-results.js';
import { at, page, track } from '../helpers/segment.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { KafkaRunner } from '../../src/sources/kafka/kafka-runner.js';
import { kafkaRunOptionsSchema } from '../../src/sources/kafka/kafka-options.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import type { Store } from '../../src/stores/store.js';

const definition = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
const pipelineNamed = (name: string): CompiledPipeline => compilePipeline({ ...definition, name });

/** Two visitors' events, and one batch message that lacks its event name (a dead letter of its own). */
const events = [
  page('/', { anonymousId: 'k1', at: at(0) }),
  track('Product Viewed', { anonymousId: 'k1', at: at(1) }),
  track('Product Added', { anonymousId: 'k1', at: at(2) }),
  page('/', { anonymousId: 'k2', at: at(3) }),
  track('Product Viewed', { anonymousId: 'k2', at: at(4) }),
].map((line) => JSON.parse(line) as Record<string, unknown>);
const nameless = { type: 'track', anonymousId: 'k1', timestamp: new Date(at(2)).toISOString() };
/** The same bytes as file lines and as message values: a batch body, an array, one event. */
const values = [
  JSON.stringify({ batch: [events[0], events[1], nameless], sentAt: new Date(at(1)).toISOString() }),
  JSON.stringify([events[2], events[3]]),
  JSON.stringify(events[4]),
];

describe('arrays and batch bodies in Kafka message values read as in a file (real broker, real embedded store)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let brokers: string;
  beforeAll(async () => {
    brokers = await kafkaBrokers();
    ({ store, cleanup } = await openTestStore());
  });
  afterAll(async () => cleanup());

  it('gives the same events, sessions and rollups as a file of the same bytes; a bad element is its own dead letter, named topic/partition@offset#index', async () => {
    const reference = pipelineNamed('bodies_ref');
    const summary = await ingestFiles(store, reference, [writeTemp('bodies.ndjson', values)]);
    expect(summary).toMatchObject({ read: 6, valid: 5, dead_lettered: 1 });
    const expected = (await arrivalIndependentResults(store, reference)).replaceAll('bodies_ref', 'bodies_kafka');

    const topic = randomName('site-events');
    await createTopics([topic], 1);
    await sendRaw(topic, values.map((value) => ({ key: 'k', value })));
    const pipeline = pipelineNamed('bodies_kafka');
    const consumer = new KafkaRunner({
      pipeline,
      store,
      logger: createLogger({ component: 'test', level: 'warn' }),
      registry: createMetricsRegistry(),
      options: kafkaRunOptionsSchema.parse({ brokers: brokers.split(','), topics: [topic], groupId: randomName('g'), untilCaughtUp: true, checkpointIntervalMs: 300, sessionTimeoutMs: 6_000 }),
    });
    await consumer.start();
    await consumer.done;
    expect(await arrivalIndependentResults(store, pipeline)).toBe(expected);

    const [letter] = await store.query<{ origin: string; raw: string }>('SELECT origin, raw FROM dead_letters FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    expect(letter!.origin).toBe(`${topic}/0@0#2`);
    // The element as it was read, with the body's sentAt: not the whole message, whose other events were accepted.
    const withSentAt = { ...nameless, sentAt: new Date(at(1)).toISOString() };
    expect(JSON.parse(letter!.raw)).toEqual(withSentAt);
    const [dead] = await readTopic(`${topic}.dead`, 1);
    expect(dead!.headers['journeys-origin']).toBe(`${topic}/0@0#2`);
    expect(JSON.parse(dead!.value)).toEqual(withSentAt);
  }, 120_000);
});
