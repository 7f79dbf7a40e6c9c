import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedFile } from '../helpers/generated-input.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { createTopics, kafkaBrokers, randomName } from '../helpers/kafka.js';
import { readKeyedMessages, replayLines, sqlRows, withEventTimeOnly } from '../helpers/collector-replay.js';

const WRITE_KEY = 'k';
const BATCH_SIZE = 50;

/** The file lines (0-based) a store dead-lettered, from their origins (`<path>:<line>`, maybe `#<index>` in an array line). */
function deadLines(store: string): Set<number> {
  const rows = sqlRows<{ origin: string }>(store, "SELECT origin FROM dead_letters FINAL WHERE origin_kind = 'file'");
  return new Set(rows.map(({ origin }) => Number(/:(\d+)(?:#\d+)?$/.exec(origin)![1]) - 1));
}

const funnel = (store: string, level: 'session' | 'person') => journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json', '--level', level]);
const deadCount = (store: string) => sqlRows<{ n: string | number }>(store, 'SELECT count() AS n FROM dead_letters FINAL')[0]!.n;

describe('journeys collect → Kafka → journeys run gives the funnel of journeys ingest (real broker)', () => {
  let brokers: string;
  let lines: string[];
  let input: string;
  let fileStore: string;
  let invalid: Set<number>;
  let collector: RunningCollector | undefined;

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    // A start well before now: the collector's receipt time is the wall clock, and an event more than a day ahead of it is invalid.
    const start = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 10 * 86_400_000).toISOString();
    const generated = await generatedFile('shop.ndjson', [{ seed: 29, start, days: 2, visitorsPerDay: 150 }]);
    lines = readFileSync(generated.path, 'utf8').split('\n').filter((line) => line !== '').map(withEventTimeOnly);
    input = `${generated.path}.event-time.ndjson`;
    writeFileSync(input, `${lines.join('\n')}\n`);
    fileStore = tempStore();
    const ingest = journeys(['ingest', '--pipeline', 'ecommerce', '--input', input, '--store', fileStore]);
    expect(ingest.status, ingest.stderr).toBe(0);
    invalid = deadLines(fileStore);
  }, 60_000);

  afterAll(async () => {
    await collector?.stop();
  });

  it('answers 200 for valid batches and 400 naming each invalid event; the store built from the topic has the funnels and dead letters of the file', async () => {
    // The generator's noise: malformed lines of several kinds, so the 400 paths are exercised.
    expect(invalid.size).toBeGreaterThanOrEqual(2);
    const topic = randomName('collected');
    await createTopics([topic]);
    collector = await startCollector(['--brokers', brokers, '--topic', topic, '--pipeline', 'ecommerce', '--write-key', WRITE_KEY]);
    const requests = await replayLines(collector.url, lines, { writeKey: WRITE_KEY, batchSize: BATCH_SIZE });
    expect(await collector.stop()).toBe(0);
    collector = undefined;

    for (const request of requests) {
      const rejectedAt = request.lines.flatMap((line, index) => (invalid.has(line) ? [index] : []));
      if (rejectedAt.length === 0) {
        expect(request, `lines ${request.lines[0]}…`).toMatchObject({ status: 200, body: { success: true } });
        continue;
      }
      expect(request.status, JSON.stringify(request.body)).toBe(400);
      const rejected = request.body['rejected'] as Array<{ index: number; reason: string }>;
      expect(rejected.map((r) => r.index)).toEqual(rejectedAt);
      for (const r of rejected) expect(r.reason).not.toBe('');
      expect(request.body['accepted']).toBe(request.lines.length - rejectedAt.length);
    }
    expect(requests.some((r) => r.path === '/v1/track' && r.status === 400)).toBe(true);
    expect(requests.filter((r) => r.status === 400).length).toBeGreaterThanOrEqual(2);

    const store = tempStore();
    const run = journeys(['run', '--brokers', brokers, '--topics', topic, '--group', randomName('g'), '--pipeline', 'ecommerce', '--store', store, '--until-caught-up'], { timeoutMs: 90_000 });
    expect(run.status, run.stderr).toBe(0);
    for (const level of ['session', 'person'] as const) {
      const [fromFile, fromTopic] = [funnel(fileStore, level), funnel(store, level)];
      expect(fromTopic.status, fromTopic.stderr).toBe(0);
      expect(JSON.parse(fromFile.stdout).stages[0].entered).toBeGreaterThan(100);
      expect(fromTopic.stdout).toBe(fromFile.stdout);
    }
    expect(deadCount(store)).toBe(deadCount(fileStore));
  }, 110_000);

  it('keys every valid message of the topic by its anonymousId (the partitioning contract), invalid ones by none', async () => {
    const topic = randomName('collected-keys');
    await createTopics([topic]);
    collector = await startCollector(['--brokers', brokers, '--topic', topic, '--pipeline', 'ecommerce', '--write-key', WRITE_KEY]);
    // The first few hundred lines, with at least one invalid line among them.
    const count = Math.max(400, Math.min(...invalid) + 1);
    await replayLines(collector.url, lines.slice(0, count), { writeKey: WRITE_KEY, batchSize: BATCH_SIZE });
    expect(await collector.stop()).toBe(0);
    collector = undefined;

    const messages = await readKeyedMessages(topic, count);
    expect(messages).toHaveLength(count);
    const expectedKey = new Map<string, string | null>();
    for (const [line, text] of lines.slice(0, count).entries()) {
      if (!text.startsWith('{')) continue;
      const message = JSON.parse(text) as Record<string, string | undefined>;
      const id = message['source'] === 'crm' ? message['id'] : message['messageId'];
      if (id !== undefined) expectedKey.set(id, invalid.has(line) ? null : (message['anonymousId'] ?? message['userId'] ?? message['contactId'] ?? null));
    }
    const partitionOf = new Map<string, number>();
    let keyed = 0;
    for (const { key, value, partition } of messages) {
      let message: Record<string, string | undefined> | undefined;
      try {
        message = JSON.parse(value) as Record<string, string | undefined>;
      } catch {
        expect(key, value).toBeNull();
        continue;
      }
      const id = message['source'] === 'crm' ? message['id'] : message['messageId'];
      if (id === undefined || !expectedKey.has(id)) {
        expect(key, value).toBeNull();
        continue;
      }
      expect(key, value).toBe(expectedKey.get(id));
      if (key === null) continue;
      keyed++;
      // Same key, same partition.
      expect(partitionOf.get(key) ?? partition).toBe(partition);
      partitionOf.set(key, partition);
    }
    expect(keyed).toBe(count - [...invalid].filter((line) => line < count).length);
  }, 60_000);
});
