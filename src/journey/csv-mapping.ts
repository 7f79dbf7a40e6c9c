import { z } from 'zod';
import { IDENTITY_FIELDS } from '../events/identity.js';

/** How the columns of a CSV file become events (declared in the journey definition). */
export const csvMappingSchema = z.strictObject({
  delimiter: z.string().length(1).default(','),
  timestamp: z.string().min(1).describe('Column holding the event time'),
  timestampFormat: z
    .enum(['iso', 'epoch_ms', 'epoch_s'])
    .default('iso')
    .describe('iso also reads "2019-10-01 00:00:00 UTC"; times without a zone are UTC'),
  event: z.string().min(1).describe('Column holding the event name'),
  key: z.string().min(1).describe('Column holding the identity key'),
  keyKind: z.enum(IDENTITY_FIELDS).default('userId').describe('Which identity the key column carries'),
  eventId: z.string().optional().describe('Column holding a unique event id; else a content hash of the row'),
  sourceSessionId: z.string().optional().describe('Column holding the session id the source assigned'),
  source: z.enum(['site', 'crm']).default('site'),
  type: z.string().default('track').describe('Event type given to every row'),
  properties: z.array(z.string()).optional().describe('Columns kept as properties (default: all columns)'),
  numeric: z
    .array(z.string())
    .default([])
    .describe('Columns that must hold a number when not empty (a row with text there is dead-lettered)'),
});

export type CsvMapping = z.infer<typeof csvMappingSchema>;
