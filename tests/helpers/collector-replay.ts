import type { KafkaMessage } from 'kafkajs';
import { createKafkaClient } from '../../src/sources/kafka/kafka-client.js';
import { withEventTimeOnly } from '../../src/sources/generator/live-line.js';
import { kafkaBrokers, randomName } from './kafka.js';
import { post } from './collector.js';
import { journeys } from './run-cli.js';

export { withEventTimeOnly };

/** One request of a replay: which lines (0-based) it carried, and the answer. */
export interface ReplayedRequest {
  path: '/v1/batch' | '/v1/track';
  lines: number[];
  status: number;
  body: Record<string, unknown>;
}

/**
 * Posts NDJSON lines to a collector in file order, one request at a time: the
 * JSON lines as `/v1/batch` requests of `batchSize` messages, and a line that
 * is not JSON as a raw body of its own to `/v1/track` (a batch already begun
 * is sent first, so the order of the lines is kept).
 */
export async function replayLines(url: string, lines: readonly string[], options: { writeKey: string; batchSize: number }): Promise<ReplayedRequest[]> {
  const requests: ReplayedRequest[] = [];
  let batch: Array<{ line: number; message: unknown }> = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const answer = await post(`${url}/v1/batch`, { batch: batch.map((b) => b.message) }, { writeKey: options.writeKey });
    requests.push({ path: '/v1/batch', lines: batch.map((b) => b.line), ...answer });
    batch = [];
  };
  for (const [line, text] of lines.entries()) {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      await flush();
      const answer = await post(`${url}/v1/track`, text, { writeKey: options.writeKey, raw: true });
      requests.push({ path: '/v1/track', lines: [line], ...answer });
      continue;
    }
    batch.push({ line, message });
    if (batch.length === options.batchSize) await flush();
  }
  await flush();
  return requests;
}

/** The rows of a query on a store, through `journeys sql --format json`. */
export function sqlRows<T = Record<string, unknown>>(store: string, query: string): T[] {
  const result = journeys(['sql', query, '--store', store, '--format', 'json']);
  if (result.status !== 0) throw new Error(`journeys sql failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T[];
}

/** A topic's message, with its key. */
export interface KeyedMessage {
  partition: number;
  key: string | null;
  value: string;
}

/** Reads a topic from the beginning until `expected` messages came (or the time is up), keys included. */
export async function readKeyedMessages(topic: string, expected: number, timeoutMs = 30_000): Promise<KeyedMessage[]> {
  const consumer = createKafkaClient({ clientId: 'journeys-tests', brokers: (await kafkaBrokers()).split(',') }).consumer({ groupId: randomName('reader') });
  const seen: KeyedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }: { partition: number; message: KafkaMessage }) => {
          seen.push({ partition, key: message.key === null ? null : message.key.toString(), value: message.value?.toString() ?? '' });
          if (seen.length >= expected) resolve();
        },
      });
    });
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
