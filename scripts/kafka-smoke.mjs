#!/usr/bin/env node
// Smoke test for a Kafka broker (e.g. the one started by scripts/kafka-local.sh).
//
//   node scripts/kafka-smoke.mjs 127.0.0.1:39092
//   KAFKA_BROKERS=127.0.0.1:39092 node scripts/kafka-smoke.mjs
//
// Creates a random 3-partition topic, produces 100 keyed messages, consumes them
// back with a fresh consumer group (fromBeginning), checks that every message
// arrived exactly once, deletes the topic and prints "kafka smoke ok: 100 messages".
// Exits non-zero on any failure and always stops by itself (hard deadline).
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

const MESSAGES = 100;
const PARTITIONS = 3;
const DEADLINE_MS = Number(process.env.KAFKA_SMOKE_TIMEOUT_MS ?? 60_000);

const brokersArg = process.argv[2] ?? process.env.KAFKA_BROKERS ?? '';
const brokers = brokersArg
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (brokers.length === 0) {
  console.error(
    'usage: node scripts/kafka-smoke.mjs <host:port[,host:port]>  (or set KAFKA_BROKERS)\n' +
      'hint: BROKER=$(scripts/kafka-local.sh start) && node scripts/kafka-smoke.mjs "$BROKER"',
  );
  process.exit(2);
}

// Hard deadline: whatever hangs (connection retries, a stuck consumer), we exit.
const watchdog = setTimeout(() => {
  console.error(`kafka smoke FAILED: timed out after ${DEADLINE_MS} ms (brokers: ${brokers.join(',')})`);
  process.exit(1);
}, DEADLINE_MS);
watchdog.unref();

const suffix = randomUUID().slice(0, 8);
const topic = `journeys-smoke-${suffix}`;
const groupId = `journeys-smoke-${suffix}`;

const kafka = new Kafka({
  clientId: 'journeys-kafka-smoke',
  brokers,
  logLevel: process.env.KAFKA_SMOKE_DEBUG ? logLevel.INFO : logLevel.NOTHING,
  connectionTimeout: 5_000,
  requestTimeout: 15_000,
  retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
});

const admin = kafka.admin();
const producer = kafka.producer({ allowAutoTopicCreation: false });
const consumer = kafka.consumer({
  groupId,
  sessionTimeout: 10_000,
  heartbeatInterval: 1_000,
  rebalanceTimeout: 10_000,
  maxWaitTimeInMs: 500,
});

let topicCreated = false;

async function main() {
  await admin.connect();
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  if (!created) throw new Error(`topic ${topic} already existed`);
  topicCreated = true;

  await producer.connect();
  const sent = Array.from({ length: MESSAGES }, (_, i) => ({
    key: `key-${i % 10}`,
    value: JSON.stringify({ seq: i, at: Date.now() }),
  }));
  await producer.send({ topic, acks: -1, messages: sent });

  const seen = new Map(); // seq -> count
  const partitionsSeen = new Set();
  let resolveAll;
  let rejectAll;
  const allReceived = new Promise((resolve, reject) => {
    resolveAll = resolve;
    rejectAll = reject;
  });
  // kafkajs restarts the consumer by itself after retriable errors (e.g. the group
  // coordinator still loading on a fresh broker); only a final crash is a failure.
  let restarts = 0;
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) restarts += 1;
    else rejectAll(payload.error);
  });

  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const { seq } = JSON.parse(message.value.toString());
      const expectedKey = `key-${seq % 10}`;
      if (message.key?.toString() !== expectedKey) {
        rejectAll(new Error(`message ${seq} has key ${message.key} (expected ${expectedKey})`));
        return;
      }
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      partitionsSeen.add(partition);
      if (seen.size === MESSAGES) resolveAll();
    },
  });
  await allReceived;

  const missing = sent.map((_, i) => i).filter((i) => !seen.has(i));
  const dupes = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
  if (missing.length) throw new Error(`missing seqs [${missing}]`);
  // A restarted consumer re-reads uncommitted messages (at-least-once): duplicates are
  // only an error when the consumer never restarted.
  if (dupes.length && restarts === 0) throw new Error(`duplicated seqs [${dupes}]`);
  if (dupes.length) {
    console.error(`note: ${dupes.length} messages redelivered after ${restarts} consumer restart(s)`);
  }
  if (partitionsSeen.size < 2) {
    throw new Error(`expected keyed messages to spread over partitions, got only ${[...partitionsSeen]}`);
  }
  return seen.size;
}

async function cleanup() {
  await consumer.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  if (topicCreated) await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => {});
  await admin.disconnect().catch(() => {});
}

try {
  const n = await main();
  await cleanup();
  console.log(`kafka smoke ok: ${n} messages`);
  process.exit(0);
} catch (err) {
  console.error(`kafka smoke FAILED against ${brokers.join(',')}: ${err?.stack ?? err}`);
  await cleanup();
  process.exit(1);
}
