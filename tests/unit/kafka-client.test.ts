import { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { logLevel } from 'kafkajs';
import { createLogger } from '../../src/observability/logger.js';
import { createKafkaClient, writeKafkajsEntry } from '../../src/sources/kafka/kafka-client.js';
import { fixKafkajsRequestQueue } from '../../src/sources/kafka/kafkajs-request-queue.js';

/** A pino logger whose lines are collected, parsed. */
function collectingLogger(level = 'debug'): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ component: 'run', level, destination }), lines };
}

describe('kafkajs log entries are pino lines', () => {
  it.each([
    { kafkajs: logLevel.ERROR, label: 'ERROR', pino: 'error' },
    { kafkajs: logLevel.WARN, label: 'WARN', pino: 'warn' },
    { kafkajs: logLevel.INFO, label: 'INFO', pino: 'info' },
    { kafkajs: logLevel.DEBUG, label: 'DEBUG', pino: 'debug' },
  ])('kafkajs $label → pino $pino', ({ kafkajs, label, pino }) => {
    const { logger, lines } = collectingLogger();
    writeKafkajsEntry(logger, {
      namespace: 'Connection',
      level: kafkajs,
      label,
      log: { timestamp: '2026-12-03T09:00:00.000Z', logger: 'kafkajs', message: 'Connection error: connect ECONNREFUSED', broker: '127.0.0.1:9092', clientId: 'journeys', retryCount: 2 },
    });
    expect(lines).toHaveLength(1);
    const { time, ...line } = lines[0]!;
    expect(line).toEqual({
      level: pino,
      component: 'run',
      logger: 'kafkajs',
      namespace: 'Connection',
      broker: '127.0.0.1:9092',
      clientId: 'journeys',
      retryCount: 2,
      msg: 'Connection error: connect ECONNREFUSED',
    });
    // pino's ISO time, not kafkajs' timestamp field.
    expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('a client made by createKafkaClient logs through the logger, at the levels asked for', () => {
    const { logger, lines } = collectingLogger();
    const kafka = createKafkaClient({ clientId: 'journeys-test', brokers: ['127.0.0.1:9'], logger, logLevel: 'warn' });
    kafka.logger().info('not made: below warn');
    kafka.logger().warn('Retrying', { groupId: 'g1' });
    expect(lines.map(({ level, msg, groupId, logger: source }) => ({ level, msg, groupId, source }))).toEqual([
      { level: 'warn', msg: 'Retrying', groupId: 'g1', source: 'kafkajs' },
    ]);
  });

  it('the pino level still filters kafkajs entries', () => {
    const { logger, lines } = collectingLogger('error');
    createKafkaClient({ clientId: 'journeys-test', brokers: ['127.0.0.1:9'], logger }).logger().warn('dropped by pino');
    expect(lines).toEqual([]);
  });
});

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  scheduleCheckPendingRequests(): void;
  destroy(): void;
}
const RequestQueueClass = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (options: object) => RequestQueue;

describe('kafkajs request queue schedules no timer for nothing (kafkajs #1751)', () => {
  fixKafkajsRequestQueue();
  const queues: RequestQueue[] = [];
  function queue(state: { pending: number; throttledForMs: number }): RequestQueue {
    const q = new RequestQueueClass({ maxInFlightRequests: null, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b', logger: createKafkaClient({ clientId: 't', brokers: ['b:1'] }).logger() });
    q.pending = Array.from({ length: state.pending }, () => ({}));
    q.throttledUntil = state.throttledForMs > 0 ? Date.now() + state.throttledForMs : -1;
    queues.push(q);
    return q;
  }
  afterEach(() => queues.splice(0).forEach((q) => q.destroy()));

  it.each([
    // kafkajs 2.2.4 armed setTimeout(-1.8e12) here: clamped to 1 ms, re-armed forever; TimeoutNegativeWarning on Node 24.
    { pending: 0, throttledForMs: 0, timer: false },
    { pending: 0, throttledForMs: 5_000, timer: true },
    { pending: 2, throttledForMs: 0, timer: true },
    { pending: 2, throttledForMs: 5_000, timer: true },
  ])('$pending pending, throttled for $throttledForMs ms → timer: $timer', ({ pending, throttledForMs, timer }) => {
    const q = queue({ pending, throttledForMs });
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId !== null).toBe(timer);
  });

  it('is applied once, however many clients are made', () => {
    const proto = (RequestQueueClass as unknown as { prototype: RequestQueue }).prototype;
    const fixed = proto.scheduleCheckPendingRequests;
    fixKafkajsRequestQueue();
    createKafkaClient({ clientId: 't', brokers: ['b:1'] });
    expect(proto.scheduleCheckPendingRequests).toBe(fixed);
  });
});
