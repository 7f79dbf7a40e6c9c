import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin, type ConfigResourceTypes, type Producer } from 'kafkajs';
import { kafkaBrokers, randomName, readTopic, withAdmin } from '../helpers/kafka.js';
import { DeadLetterTopic } from '../../src/sources/kafka/dead-letter-topic.js';
import { maxBatchBytes } from '../../src/sources/kafka/topic-size-limit.js';
import { createLogger } from '../../src/observability/logger.js';
import type { DeadLetter } from '../../src/core/result.js';

const TOPIC = 2 as ConfigResourceTypes;
const letters = (topic: string, count: number, from = 0): DeadLetter[] =>
  Array.from({ length: count }, (_, i) => ({
    raw: `bad ${from + i} ${'z'.repeat(1_000)}`,
    origin: { kind: 'kafka', topic, partition: 0, offset: String(from + i) },
    step: 'decode-json',
    reason: 'not JSON',
    issues: [],
    receivedAtMs: 0,
  }));

describe('dead-letter topic (real broker)', () => {
  let producer: Producer;
  let admin: Admin;
  beforeAll(async () => {
    const kafka = new Kafka({ brokers: (await kafkaBrokers()).split(','), logLevel: logLevel.NOTHING });
    producer = kafka.producer({ allowAutoTopicCreation: true });
    admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
  });
  afterAll(async () => Promise.all([producer.disconnect(), admin.disconnect()]));

  it('reads the limit of the topic, or of the brokers for a topic not created yet', async () => {
    const topic = randomName('limits');
    expect(await maxBatchBytes(admin, topic)).toEqual({ bytes: 1_048_588, source: 'broker message.max.bytes' });
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '200000' }] }] });
    expect(await maxBatchBytes(admin, topic)).toEqual({ bytes: 200_000, source: `topic ${topic} max.message.bytes` });
  });

  it('a limit lowered after it was read: the refused send is split until the broker takes it', async () => {
    const source = randomName('site-events');
    const dead = `${source}.dead`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: dead, numPartitions: 1 }] });
    const topic = new DeadLetterTopic({ producer, admin, logger: createLogger({ component: 'test', level: 'silent' }), suffix: '.dead', pipeline: 'p', maxLetterBytes: 65_536 });
    await topic.send(source, letters(source, 1), new Map());
    await withAdmin((a) => a.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC, name: dead, configEntries: [{ name: 'max.message.bytes', value: '60000' }] }] }));
    // ~300 KB: over the new limit in one request.
    await topic.send(source, letters(source, 300, 1), new Map());
    const sent = await readTopic(dead, 301);
    expect(sent.map((m) => m.headers['journeys-origin'])).toEqual(Array.from({ length: 301 }, (_, i) => `${source}/0@${i}`));
  });
});
