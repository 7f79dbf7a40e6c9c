import { z } from 'zod';
import { IDENTITY_FIELDS } from '../events/identity.js';
import { csvTimeOptionsIssue } from '../events/csv-time.js';

/** How the columns of a CSV file become events (declared in the journey definition). */
export const csvMappingSchema = z
  .strictObject({
    delimiter: z.string().length(1).default(','),
    timestamp: z.string().min(1).describe('Column holding the event time'),
    timestampFormat: z
      .string()
      .min(1)
      .default('iso')
      .describe(
        'iso (strict ISO 8601; also "2019-10-01 00:00:00 UTC"; no zone = UTC), epoch_ms, epoch_s, or a date pattern such as "DD-MM-YYYY HH:mm:ss" (tokens YYYY MM M DD D HH H mm ss SSS)',
      ),
    timeZone: z
      .string()
      .min(1)
      .optional()
      .describe('Zone of a date pattern\'s wall times: an IANA name (Europe/Berlin), UTC or an offset (+02:00); default UTC'),
    event: z.string().min(1).describe('Column holding the event name'),
    key: z.string().min(1).describe('Column holding the identity key'),
    keyKind: z.enum(IDENTITY_FIELDS).default('userId').describe('Which identity the key column carries'),
    identifiers: z
      .strictObject({
        anonymousId: z.string().min(1).optional(),
        userId: z.string().min(1).optional(),
        contactId: z.string().min(1).optional(),
        email: z.string().min(1).optional().describe('Hashed with JOURNEYS_EMAIL_SALT; ignored without it'),
      })
      .optional()
      .describe('Further columns holding identifiers of the row: a row with two of them links them into one person (docs/semantics.md, "People")'),
    eventId: z.string().optional().describe('Column holding a unique event id; else a content hash of the row'),
    sourceSessionId: z.string().optional().describe('Column holding the session id the source assigned'),
    source: z.enum(['site', 'crm']).default('site'),
    type: z.string().default('track').describe('Event type given to every row'),
    properties: z.array(z.string()).optional().describe('Columns kept as properties (default: all columns)'),
    numeric: z
      .array(z.string())
      .default([])
      .describe('Columns that must hold a number when not empty (a row with text there is dead-lettered)'),
    optional: z
      .array(z.string())
      .default([])
      .describe('Named columns a file may lack: read as empty, with a warning. Any other named column missing from the header stops the file before it is read'),
  })
  .superRefine((mapping, ctx) => {
    const timeIssue = csvTimeOptionsIssue({ format: mapping.timestampFormat, timeZone: mapping.timeZone });
    if (timeIssue) ctx.addIssue({ code: 'custom', path: [timeIssue.option], message: timeIssue.message });
    const roles = roleColumns(mapping);
    const named = new Set([...roles, ...namedColumns(mapping)]);
    mapping.optional.forEach((column, i) => {
      if (roles.includes(column)) {
        ctx.addIssue({ code: 'custom', path: ['optional', i], message: `${column} holds the time, event, key or event id: it cannot be optional` });
      } else if (!named.has(column)) {
        ctx.addIssue({ code: 'custom', path: ['optional', i], message: `${column} is not a column this mapping names (sourceSessionId, identifiers, numeric, properties)` });
      }
    });
  });

export type CsvMapping = z.infer<typeof csvMappingSchema>;

/** Columns without which a row is no event. */
function roleColumns(mapping: Pick<CsvMapping, 'timestamp' | 'event' | 'key' | 'eventId'>): string[] {
  return [mapping.timestamp, mapping.event, mapping.key, ...(mapping.eventId ? [mapping.eventId] : [])];
}

function namedColumns(mapping: Pick<CsvMapping, 'sourceSessionId' | 'numeric' | 'properties' | 'identifiers'>): string[] {
  const identifiers = Object.values(mapping.identifiers ?? {}).filter((column): column is string => column !== undefined);
  return [...(mapping.sourceSessionId ? [mapping.sourceSessionId] : []), ...identifiers, ...mapping.numeric, ...(mapping.properties ?? [])];
}

/** The columns a file's header must have (`required`) and may lack (`optional`), each named once. */
export function csvColumns(mapping: CsvMapping): { required: string[]; optional: string[] } {
  const optional = new Set(mapping.optional);
  const all = [...new Set([...roleColumns(mapping), ...namedColumns(mapping)])];
  return { required: all.filter((column) => !optional.has(column)), optional: all.filter((column) => optional.has(column)) };
}
