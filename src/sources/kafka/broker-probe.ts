import { createKafkaClient } from './kafka-client.js';

/** No broker answered: an infrastructure fault (exit 1), said in one line. */
export class BrokerUnreachableError extends Error {
  override name = 'BrokerUnreachableError';
}

/** The innermost cause's message: kafkajs wraps the socket error in retry errors. */
function rootMessage(error: unknown): string {
  let e: unknown = error;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  const original = (e as { originalError?: unknown }).originalError;
  if (original instanceof Error) e = original;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Connects to the bootstrap brokers once, quickly, before the real clients
 * start. Those retry for long (kafkajs' default backoff took 12 s for a
 * refused connection and over a minute for a host that never answers, then
 * ended in a stack trace); a wrong --brokers should be said within seconds.
 */
export async function probeBrokers(brokers: readonly string[], options: { connectionTimeoutMs?: number; retries?: number } = {}): Promise<void> {
  // No logger: the probe's own failure is reported once, below; kafkajs would log each try.
  const kafka = createKafkaClient({
    clientId: 'journeys-probe',
    brokers,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    retry: { retries: options.retries ?? 2, initialRetryTime: 200, maxRetryTime: 1_000 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (error) {
    throw new BrokerUnreachableError(
      `cannot reach a Kafka broker at ${brokers.join(',')} (${rootMessage(error)}). Is Kafka running there, and are --brokers (or KAFKA_BROKERS) right?`,
      { cause: error },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
