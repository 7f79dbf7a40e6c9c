import { z } from 'zod';

/** Runtime settings of `journeys run` (flags or environment; never in the journey file). */
export const kafkaRunOptionsSchema = z.strictObject({
  brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'a broker is host:port')).min(1).describe('Bootstrap brokers'),
  topics: z.array(z.string().min(1)).min(1).describe('Topics to consume (site and CRM events)'),
  groupId: z.string().min(1).describe('Consumer group id'),
  clientId: z.string().default('journeys'),
  deadLetterSuffix: z.string().min(1).default('.dead').describe('Invalid records go to <topic><suffix>'),
  deadLetterMaxBytes: z
    .number()
    .int()
    .min(16_384)
    .default(65_536)
    .describe('Largest message sent to the dead-letter topic (value and headers); a longer value is cut, the dead_letters table keeps it whole'),
  checkpointIntervalMs: z.number().int().positive().default(15_000).describe('How often open state is checkpointed and offsets committed'),
  rollupIntervalMs: z.number().int().positive().default(30_000).describe('How often rollups of changed days are rebuilt'),
  idleAfterMs: z.number().int().positive().default(30_000).describe('A partition quiet this long advances its watermark by the clock'),
  untilCaughtUp: z.boolean().default(false).describe('Stop once every partition reached its high-water mark of the start'),
  fromBeginning: z.boolean().default(true).describe('Where a new group starts'),
  sessionTimeoutMs: z.number().int().positive().default(30_000),
});

export type KafkaRunOptions = z.infer<typeof kafkaRunOptionsSchema>;
export type KafkaRunOptionsInput = z.input<typeof kafkaRunOptionsSchema>;
