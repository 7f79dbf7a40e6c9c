import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import type { Level, Logger } from '../../observability/logger.js';
import { fixKafkajsRequestQueue } from './kafkajs-request-queue.js';

/** kafkajs' levels as pino's; kafkajs has no trace or fatal. */
const PINO_LEVEL: Record<Exclude<logLevel, logLevel.NOTHING>, Level> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

const KAFKAJS_LEVEL: Record<KafkaLogLevel, logLevel> = {
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export type KafkaLogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * Writes one kafkajs log entry as a pino line of `logger`: the pino level of
 * kafkajs' level, kafkajs' message as `msg`, its namespace (`Connection`,
 * `Consumer`, …) as `namespace`, `logger: 'kafkajs'`, and kafkajs' own fields
 * (broker, clientId, groupId, error, retryCount, …) as they come. kafkajs'
 * `timestamp` is left out: pino's `time` is the same instant.
 */
export function writeKafkajsEntry(logger: Logger, entry: LogEntry): void {
  if (entry.level === logLevel.NOTHING) return;
  const { message, timestamp: _timestamp, ...fields } = entry.log;
  logger[PINO_LEVEL[entry.level]]({ ...fields, logger: 'kafkajs', namespace: entry.namespace }, message);
}

export interface KafkaClientOptions {
  clientId: string;
  brokers: readonly string[];
  /** Where kafkajs' log entries go, as pino lines (writeKafkajsEntry); without one kafkajs logs nothing. */
  logger?: Logger | undefined;
  /** kafkajs' entries below this level are not made at all (its info level reports every connect and join). */
  logLevel?: KafkaLogLevel;
  connectionTimeoutMs?: number;
  retry?: RetryOptions;
}

/**
 * The one way this project makes a kafkajs client: kafkajs' request-queue
 * timer fix applied (kafkajs-request-queue.ts), and its logs written through
 * the project's pino logger instead of kafkajs' console logger, so every
 * stderr line is pino JSON.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  fixKafkajsRequestQueue();
  const { logger } = options;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    ...(options.connectionTimeoutMs !== undefined ? { connectionTimeout: options.connectionTimeoutMs } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    logLevel: logger ? KAFKAJS_LEVEL[options.logLevel ?? 'warn'] : logLevel.NOTHING,
    ...(logger ? { logCreator: () => (entry: LogEntry) => writeKafkajsEntry(logger, entry) } : {}),
  });
}
