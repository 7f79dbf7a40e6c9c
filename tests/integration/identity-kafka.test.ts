import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { openTestStore } from '../helpers/store.js';
import { createTopics, kafkaBrokers, randomName } from '../helpers/kafka.js';
import type { CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { KafkaRunner } from '../../src/sources/kafka/kafka-runner.js';
import { kafkaRunOptionsSchema } from '../../src/sources/kafka/kafka-options.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import type { Store } from '../../src/stores/store.js';
import { entered, journeySummaries, personPipeline, type JourneySummary } from '../helpers/person-pipeline.js';

/**
 * The person of docs/semantics.md ("People", worked example) through a real
 * Kafka broker: the events on partition 0, the identify calls (the links) on
 * partition 1 of the same topic, each partition its own stream with its own
 * watermark. "A link arriving last, or on another Kafka partition than the
 * events it joins, gives the same people."
 */
const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

const definition = (name: string): CompiledPipeline => personPipeline(name);

const segment = (id: string, type: string, ms: number, ids: Record<string, string>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, messageId: id, ...ids, timestamp: iso(ms), properties: {}, context: {}, ...extra });
const crm = (id: string, kind: string, ms: number, detail: Record<string, unknown>, ids: Record<string, string>) =>
  JSON.stringify({ source: 'crm', id, kind, occurredAt: iso(ms), ...ids, ...detail });

/** The worked example: the person's events (partition 0) and the identify calls (partition 1). */
const EVENTS = [
  segment('k1', 'page', T0, { anonymousId: 'A' }, { name: '/pricing' }), // phone, day 0 10:00 (visit)
  segment('k2', 'track', T0 + 6 * MIN, { anonymousId: 'A', userId: 'U' }, { event: 'Signed Up' }), // 10:06 (signup; links A–U too)
  segment('k3', 'page', T0 + DAY - H, { anonymousId: 'B' }, { name: '/docs' }), // desktop, day 1 09:00, before its login
  crm('k4', 'lifecycle_stage_changed', T0 + 2 * DAY, { lifecycle: { from: 'subscriber', to: 'lead' } }, { contactId: 'C', userId: 'U' }), // links C–U
  crm('k5', 'lifecycle_stage_changed', T0 + 2 * DAY + H, { lifecycle: { from: 'lead', to: 'mql' } }, { contactId: 'C' }),
  crm('k6', 'deal_stage_changed', T0 + 9 * DAY, { deal: { dealId: 'd1', pipeline: 'sales', to: 'closed_won' } }, { contactId: 'C' }),
  crm('k7', 'survey_answered', T0 + 20 * DAY, { survey: { type: 'nps', score: 9 } }, { contactId: 'C' }), // no stage
];
const LINKS = [
  segment('k8', 'identify', T0 + 5 * MIN, { anonymousId: 'A', userId: 'U' }), // A–U, day 0 10:05
  segment('k9', 'identify', T0 + DAY - 50 * MIN, { anonymousId: 'B', userId: 'U' }), // B–U, day 1 09:10
];

/** Sends values to one explicit partition, in order. */
async function produce(topic: string, partition: number, values: readonly string[]): Promise<void> {
  const producer = new Kafka({ brokers: (await kafkaBrokers()).split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ key: `m${i}`, value, partition })) });
  } finally {
    await producer.disconnect();
  }
}

const journeys = journeySummaries;
const persons = (store: Store, pipeline: string) =>
  store.query<{ identifier: string; person_id: string }>(`SELECT identifier, person_id FROM person_of WHERE pipeline = {pipeline:String} ORDER BY identifier, valid_from`, {
    pipeline,
  });

// One journey u:U from the phone's page: visit, signup, visit (desktop), lead, mql, won = 6 staged events; won reached, converted.
const ONE_PERSON: JourneySummary[] = [{ key: 'u:U', start: T0, events: 6, level: 5, converted: 1 }];
const ALL_U = ['a:A', 'a:B', 'c:C', 'u:U'].map((identifier) => ({ identifier, person_id: 'u:U' }));

describe('identity stitching across Kafka partitions (real broker, real embedded store)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let brokers: string;
  const logger = createLogger({ component: 'test', level: 'warn' });

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    ({ store, cleanup } = await openTestStore());
  }, 300_000);
  afterAll(async () => cleanup());

  /** Consumes the topic until every partition reached its high-water mark of the start, then stops (rollups rebuilt). */
  async function consumeUntilCaughtUp(pipeline: CompiledPipeline, topic: string, groupId: string): Promise<KafkaRunner> {
    const runner = new KafkaRunner({
      pipeline,
      store,
      logger,
      registry: createMetricsRegistry(),
      options: kafkaRunOptionsSchema.parse({ brokers: brokers.split(','), topics: [topic], groupId, untilCaughtUp: true, checkpointIntervalMs: 300, sessionTimeoutMs: 6_000 }),
    });
    await runner.start();
    await runner.done;
    return runner;
  }

  it('events on partition 0, identify links on partition 1, one consumer run: one person u:U', async () => {
    const topic = randomName('identity');
    await createTopics([topic], 2);
    await produce(topic, 0, EVENTS);
    await produce(topic, 1, LINKS);
    const pipeline = definition('kafka_person');
    const runner = await consumeUntilCaughtUp(pipeline, topic, randomName('g'));
    expect(runner.stopped).toBe(true);
    const [events] = await store.query<{ n: number | string }>(`SELECT count() AS n FROM events FINAL WHERE pipeline = 'kafka_person'`);
    expect(Number(events!.n)).toBe(9);
    const streams = await store.query<{ stream: string }>(`SELECT DISTINCT stream FROM events WHERE pipeline = 'kafka_person' ORDER BY stream`);
    expect(streams.map((s) => s.stream)).toEqual(['kafka/0', 'kafka/1']);
    expect(await journeys(store, 'kafka_person')).toEqual(ONE_PERSON);
    expect(await persons(store, 'kafka_person')).toEqual(ALL_U);
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 1, 1]);
  }, 240_000);

  it('the links produced after the events were consumed: a second run merges the desktop into u:U', async () => {
    const topic = randomName('identity-late');
    await createTopics([topic], 2);
    const pipeline = definition('kafka_late');
    const group = randomName('g');
    await produce(topic, 0, EVENTS);
    await consumeUntilCaughtUp(pipeline, topic, group);
    // Without the identify calls the signup (A with U) and the lead (C with U) still link A, U and C;
    // the desktop's page is its own person a:B (level 1). u:U: visit, signup, lead, mql, won = 5 events.
    expect(await journeys(store, 'kafka_late')).toEqual([
      { key: 'a:B', start: T0 + DAY - H, events: 1, level: 1, converted: 0 },
      { key: 'u:U', start: T0, events: 5, level: 5, converted: 1 },
    ]);
    expect(await entered(store, pipeline)).toEqual([2, 1, 1, 1, 1]);
    await produce(topic, 1, LINKS);
    await consumeUntilCaughtUp(pipeline, topic, group);
    expect(await journeys(store, 'kafka_late')).toEqual(ONE_PERSON);
    expect(await persons(store, 'kafka_late')).toEqual(ALL_U);
    // The a:B journey was retired: the funnel counts one journey.
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 1, 1]);
  }, 240_000);
  it('the links consumed first, the events in a later run: the same person', async () => {
    const topic = randomName('identity-first');
    await createTopics([topic], 2);
    const pipeline = definition('kafka_links_first');
    const group = randomName('g');
    await produce(topic, 1, LINKS);
    await consumeUntilCaughtUp(pipeline, topic, group);
    // Only identify calls so far: no staged event, no journey; A and B already are u:U's.
    expect(await journeys(store, 'kafka_links_first')).toEqual([]);
    expect(await persons(store, 'kafka_links_first')).toEqual(['a:A', 'a:B', 'u:U'].map((identifier) => ({ identifier, person_id: 'u:U' })));
    await produce(topic, 0, EVENTS);
    await consumeUntilCaughtUp(pipeline, topic, group);
    expect(await journeys(store, 'kafka_links_first')).toEqual(ONE_PERSON);
    expect(await persons(store, 'kafka_links_first')).toEqual(ALL_U);
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 1, 1]);
  }, 240_000);
});
