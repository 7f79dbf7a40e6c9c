import { z } from 'zod';

/** Input limits: every one of them is a reason a record is dead-lettered, never a crash. */
export const inputLimitsSchema = z.object({
  maxRecordBytes: z.number().int().positive().default(1_000_000).describe('Records larger than this are dead-lettered'),
  maxIdLength: z.number().int().positive().default(256).describe('Longest accepted id (messageId, anonymousId, contactId, …)'),
  maxFutureSkewMs: z
    .number()
    .int()
    .nonnegative()
    .default(86_400_000)
    .describe("How far an event time (or a record's own receivedAt) may lie ahead of the pipeline's receipt: the Kafka timestamp, at most the clock, or the clock for files"),
  minTimestampMs: z.number().int().default(Date.UTC(2000, 0, 1)).describe('Events before this time are rejected'),
  maxNestingDepth: z
    .number()
    .int()
    .min(2)
    .max(256)
    .default(32)
    .describe('Deepest nesting of objects and arrays in a JSON record, the record itself being level 1'),
});

export type InputLimits = z.infer<typeof inputLimitsSchema>;

export const DEFAULT_LIMITS: InputLimits = inputLimitsSchema.parse({});
