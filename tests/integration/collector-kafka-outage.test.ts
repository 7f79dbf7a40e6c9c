import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startCollector, type RunningCollector } from '../helpers/collector.js';
import { page } from '../helpers/segment.js';
import { createKafkaClient } from '../../src/sources/kafka/kafka-client.js';

/**
 * Kafka down under `journeys collect --brokers`: a broker of the test's own
 * (scripts/kafka-local.sh, its own state folder, so the suite's shared broker
 * is untouched) is stopped while the collector runs, then started again on
 * the same port. While it is down the collector answers 503 with
 * Retry-After and /healthz is unhealthy; once it is back, the same request
 * is acknowledged, and every acknowledged event is in the topic.
 */
const KEY = 'wk-outage';
const state = mkdtempSync(join(tmpdir(), 'journeys-kafka-outage-'));
// Not execFileSync: a test process blocked for the broker's start could not see the collector
// close an idle keep-alive connection, and its next request would go out on the dead socket.
const kafkaLocal = async (command: 'start' | 'stop') =>
  (await promisify(execFile)('bash', ['scripts/kafka-local.sh', command], { env: { ...process.env, KAFKA_LOCAL_STATE: state }, encoding: 'utf8', timeout: 180_000 })).stdout.trim().split('\n').at(-1) ?? '';
const message = (id: string) => JSON.parse(page('/', { id, anonymousId: 'outage-visitor', at: Date.now() - 60_000 })) as Record<string, unknown>;

async function idsInTopic(brokers: string, topic: string): Promise<string[]> {
  const kafka = createKafkaClient({ clientId: 'outage-reader', brokers: [brokers] });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const consumer = kafka.consumer({ groupId: `outage-reader-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const ids: string[] = [];
  await new Promise<void>((done) => {
    void consumer.run({
      eachMessage: async ({ message: m }) => {
        ids.push(String((JSON.parse(m.value!.toString()) as { messageId: string }).messageId));
        if (ids.length >= total) done();
      },
    });
  });
  await consumer.disconnect();
  return ids.sort();
}

describe('journeys collect --brokers while Kafka is down', () => {
  let brokers: string;
  let collector: RunningCollector;
  const topic = `outage-${Date.now()}`;
  beforeAll(async () => {
    brokers = await kafkaLocal('start');
    collector = await startCollector(['--pipeline', 'ecommerce', '--brokers', brokers, '--topic', topic, '--write-key', KEY]);
  }, 240_000);
  afterAll(async () => {
    if (collector.child.exitCode === null) await collector.stop();
    await kafkaLocal('stop');
    rmSync(state, { recursive: true, force: true });
  }, 120_000);

  it('200 while up; 503 with Retry-After and an unhealthy /healthz while down; 200 again once it is back', async () => {
    expect(await post(`${collector.url}/v1/batch`, { batch: [message('before-1'), message('before-2')] }, { writeKey: KEY })).toMatchObject({ status: 200, body: { success: true } });

    await kafkaLocal('stop');
    const down = await post(`${collector.url}/v1/batch`, { batch: [message('during-1')] }, { writeKey: KEY });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(String(down.body['message'])).toMatch(/^Kafka did not acknowledge the events: .*; nothing of this request was acknowledged, send it again$/);
    const health = await fetch(`${collector.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.text()).toMatch(/^unhealthy: kafka topic outage-\d+: last send failed: /);

    expect(await kafkaLocal('start')).toBe(brokers);
    // The client's retry, as an SDK does after a 503: acknowledged once kafkajs has reconnected.
    let status = 0;
    for (let attempt = 0; attempt < 30 && status !== 200; attempt++) {
      status = (await post(`${collector.url}/v1/batch`, { batch: [message('during-1')] }, { writeKey: KEY })).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect(status).toBe(200);
    expect((await fetch(`${collector.url}/healthz`)).status).toBe(200);
    expect(await collector.stop()).toBe(0);
    // Every acknowledged event is there (a 503'd request may have reached the topic too: the consumer's duplicate check counts it once).
    const ids = await idsInTopic(brokers, topic);
    expect(ids).toEqual(expect.arrayContaining(['before-1', 'before-2', 'during-1']));
    expect(new Set(ids)).toEqual(new Set(['before-1', 'before-2', 'during-1']));
  }, 300_000);
});
