import type { KafkaMessage, Producer } from 'kafkajs';
import { describeOrigin, type DeadLetter } from '../../core/result.js';

/**
 * Sends invalid records to `<topic><suffix>` with the original bytes and
 * headers naming the reason, the step and the origin, awaited before the
 * offsets that cover them are committed.
 */
export async function sendDeadLetters(
  producer: Producer,
  options: { topic: string; suffix: string; pipeline: string },
  letters: readonly DeadLetter[],
  originals: ReadonlyMap<string, KafkaMessage>,
): Promise<void> {
  if (letters.length === 0) return;
  await producer.send({
    topic: `${options.topic}${options.suffix}`,
    acks: -1,
    messages: letters.map((letter) => {
      const original = letter.origin.kind === 'kafka' ? originals.get(letter.origin.offset) : undefined;
      return {
        key: original?.key ?? null,
        value: original?.value ?? Buffer.from(letter.raw),
        headers: {
          'journeys-reason': letter.reason.slice(0, 1000),
          'journeys-step': letter.step,
          'journeys-origin': describeOrigin(letter.origin),
          'journeys-pipeline': options.pipeline,
          'journeys-issues': JSON.stringify(letter.issues).slice(0, 4000),
        },
      };
    }),
  });
}
