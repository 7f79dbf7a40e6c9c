import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { createKafkaClient } from '../../src/sources/kafka/kafka-client.js';
import { fixKafkajsRequestQueue } from '../../src/sources/kafka/kafkajs-request-queue.js';

// Tests that make their own kafkajs clients (`new Kafka`) get kafkajs' request-queue fix too.
fixKafkajsRequestQueue();

let brokers: Promise<string> | undefined;

function dockerRuns(): boolean {
  if (!existsSync('/var/run/docker.sock') && !process.env['DOCKER_HOST']) return false;
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * A real Apache Kafka broker for the tests, found in this order: KAFKA_BROKERS;
 * testcontainers' Kafka module when a Docker engine runs; else
 * scripts/kafka-local.sh (official broker jars from Maven Central, KRaft, on
 * 127.0.0.1). If none can be had the tests fail — they never skip silently.
 */
export function kafkaBrokers(): Promise<string> {
  brokers ??= (async () => {
    if (process.env['KAFKA_BROKERS']) return process.env['KAFKA_BROKERS'];
    if (dockerRuns()) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = await new KafkaContainer('confluentinc/cp-kafka:7.6.1').withKraft().start();
      return `${container.getHost()}:${container.getMappedPort(9093)}`;
    }
    const output = execFileSync('bash', ['scripts/kafka-local.sh', 'start'], { encoding: 'utf8', timeout: 240_000 });
    const address = output.trim().split('\n').pop()!;
    process.env['KAFKA_BROKERS'] = address;
    return address;
  })();
  return brokers;
}

/** A random name, so tests never share topics or groups. */
export function randomName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createKafkaClient({ clientId: 'journeys-tests', brokers: (await kafkaBrokers()).split(',') }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function createTopics(names: string[], partitions = 3): Promise<void> {
  await withAdmin((admin) => admin.createTopics({ waitForLeaders: true, topics: names.map((topic) => ({ topic, numPartitions: partitions })) }));
}

/** Sends raw values with keys straight to a topic (for malformed input that `journeys produce` would key as null). */
export async function sendRaw(topic: string, messages: Array<{ key: string | null; value: string | Buffer | null }>): Promise<void> {
  const producer = createKafkaClient({ clientId: 'journeys-tests', brokers: (await kafkaBrokers()).split(',') }).producer();
  await producer.connect();
  try {
    // Chunks keep each request under the broker's message size limit.
    for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
}

/** Reads every message of a topic from the beginning (bounded in time). */
export async function readTopic(topic: string, expected: number, timeoutMs = 30_000): Promise<Array<{ value: string; bytes: Buffer; headers: Record<string, string> }>> {
  const consumer = createKafkaClient({ clientId: 'journeys-tests', brokers: (await kafkaBrokers()).split(',') }).consumer({ groupId: randomName('reader') });
  const seen: Array<{ value: string; bytes: Buffer; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ value: message.value?.toString() ?? '', bytes: message.value ?? Buffer.alloc(0), headers });
        if (seen.length >= expected) resolve();
      },
    });
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  await consumer.disconnect();
  return seen;
}
