import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { recordMessage } from '../sources/kafka/record-message.js';
import { SinkUnavailableError, type EventSink, type OutgoingRecord } from './event-sink.js';

/**
 * Publishes to one topic, keyed by the partitioning contract
 * (partition-key.ts), with acks from all in-sync replicas: a send resolves
 * once the records are on every in-sync replica, and only then does the
 * collector answer 200. A message's timestamp is the collector's receive
 * time, which the consumer reads as the event's receivedAt (message-record.ts).
 * kafkajs retries a failed send itself (reconnecting to a broker that came
 * back); a send that still fails is a 503 the client retries.
 */
export class KafkaSink implements EventSink {
  private lastError: string | undefined;
  private sent = 0;

  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly sendTimeoutMs: number,
  ) {}

  static async open(kafka: Kafka, topic: string, options: { sendTimeoutMs?: number } = {}): Promise<KafkaSink> {
    // Named, not defaulted (which makes kafkajs warn): the Java client's murmur2 partitioner,
    // so a key lands on the partition any Java or librdkafka producer would choose for it.
    const producer = kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner, retry: { retries: 3, maxRetryTime: 5_000 } });
    await producer.connect();
    return new KafkaSink(producer, topic, options.sendTimeoutMs ?? 10_000);
  }

  async accept(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const messages = records.map(({ record, key }) => ({
      ...recordMessage(record, { key, csvHeaderLine: undefined }),
      timestamp: String(record.receivedAtMs ?? Date.now()),
    }));
    try {
      await this.producer.send({ topic: this.topic, acks: -1, timeout: this.sendTimeoutMs, messages });
      this.lastError = undefined;
      this.sent += messages.length;
    } catch (error) {
      this.lastError = (error as Error).message;
      throw new SinkUnavailableError(`Kafka did not acknowledge the events: ${this.lastError}`, { cause: error });
    }
  }

  health(): { ok: boolean; detail: string } {
    if (this.lastError) return { ok: false, detail: `kafka topic ${this.topic}: last send failed: ${this.lastError}` };
    return { ok: true, detail: `kafka topic ${this.topic}, ${this.sent} messages acknowledged` };
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
