import type { Admin, KafkaMessage, Producer } from 'kafkajs';
import type { DeadLetter } from '../../core/result.js';
import type { Logger } from '../../observability/logger.js';
import { deadLetterMessage, splitByBytes, type SizedMessage } from './dead-letter-message.js';
import { maxBatchBytes } from './topic-size-limit.js';

/** Kept free below the broker's limit: the record batch's own header (61 bytes) and rounding in our estimate. */
const BATCH_MARGIN_BYTES = 1_024;
/** A send refused as too large is split and retried down to this budget; below it the broker's limits make no sense. */
const MIN_SEND_BYTES = 16_384;

export interface DeadLetterTopicOptions {
  producer: Producer;
  /** Reads the dead-letter topics' size limits. */
  admin: Admin;
  logger: Logger;
  /** Invalid records of `t` go to `t<suffix>`. */
  suffix: string;
  pipeline: string;
  /** The largest dead letter (value and headers); a longer value is cut (see deadLetterMessage). */
  maxLetterBytes: number;
}

interface LetterSource {
  letter: DeadLetter;
  /** The message the letter was decoded from: its key and bytes go to the dead-letter topic. */
  original: KafkaMessage | undefined;
}

function tooLarge(error: unknown): boolean {
  return (error as { type?: unknown } | null)?.type === 'MESSAGE_TOO_LARGE';
}

/**
 * Sends invalid records to `<topic><suffix>`, awaited before the offsets
 * that cover them are committed. A batch of a flood of bad records can hold
 * far more letters than the broker takes in one request (kafkajs sends a
 * partition's messages as one record batch and does not split it), so the
 * letters go in sends of at most the topic's `max.message.bytes`, read from
 * the broker once per topic; a refusal anyway (the limit was lowered since)
 * halves the budget and retries. Otherwise the batch would fail on every
 * restart and stall its partition for good.
 */
export class DeadLetterTopic {
  /** Bytes per send, per dead-letter topic. */
  private readonly budgets = new Map<string, Promise<number>>();

  constructor(private readonly options: DeadLetterTopicOptions) {}

  async send(topic: string, letters: readonly DeadLetter[], originals: ReadonlyMap<string, KafkaMessage>): Promise<void> {
    if (letters.length === 0) return;
    const target = `${topic}${this.options.suffix}`;
    const sources = letters.map((letter) => ({ letter, original: letter.origin.kind === 'kafka' ? originals.get(letter.origin.offset) : undefined }));
    let budget = await this.budgetOf(target);
    let pending = this.runs(sources, budget);
    while (pending.length > 0) {
      const run = pending[0]!;
      try {
        await this.options.producer.send({ topic: target, acks: -1, messages: run.map((item) => item.message) });
        pending.shift();
      } catch (error) {
        if (!tooLarge(error) || budget / 2 < MIN_SEND_BYTES) throw error;
        budget = Math.floor(budget / 2);
        this.budgets.set(target, Promise.resolve(budget));
        this.options.logger.warn({ topic: target, budgetBytes: budget }, 'dead letters refused as too large: sending smaller requests');
        pending = pending.flatMap((unsent) => this.runs(unsent.map((item) => item.source), budget));
      }
    }
  }

  /** The letters as messages of at most `budget` bytes each, in runs of at most `budget` bytes. */
  private runs(sources: readonly LetterSource[], budget: number): Array<Array<SizedMessage & { source: LetterSource }>> {
    const maxBytes = Math.min(this.options.maxLetterBytes, budget);
    const sized = sources.map((source) => ({ source, ...deadLetterMessage(source.letter, source.original, { pipeline: this.options.pipeline, maxBytes }) }));
    return splitByBytes(sized, budget);
  }

  private budgetOf(target: string): Promise<number> {
    let budget = this.budgets.get(target);
    if (!budget) {
      budget = this.create(target).then(async () => {
        const { bytes, source } = await maxBatchBytes(this.options.admin, target);
        this.options.logger.info({ topic: target, maxBatchBytes: bytes, source }, 'dead-letter sends limited');
        return Math.max(MIN_SEND_BYTES, bytes - BATCH_MARGIN_BYTES);
      });
      this.budgets.set(target, budget);
      budget.catch(() => this.budgets.delete(target));
    }
    return budget;
  }

  /**
   * Creates the topic (broker defaults) and waits for its leaders before the
   * first send, instead of leaving it to auto-creation: kafkajs retries a
   * broker's whole request when one partition of a topic just created has no
   * leader yet, and the partitions that had taken their letters got them twice.
   * Without the right to create, auto-creation still does it.
   */
  private async create(target: string): Promise<void> {
    const { admin } = this.options;
    if ((await admin.listTopics().catch(() => [target])).includes(target)) return;
    await admin.createTopics({ topics: [{ topic: target }], waitForLeaders: true }).catch(() => false);
  }
}
