import { z } from 'zod';
import type { CsvMapping } from '../journey/csv-mapping.js';
import { NO_WEB_CONTEXT, type JourneyEvent } from './journey-event.js';
import type { InputLimits } from './limits.js';
import { identityKey } from './identity.js';
import { createCsvTimeReader } from './csv-time.js';
import { eventTimeIssue, type DecodeContext } from './decode-context.js';
import { issuesFromZod, summarizeIssues } from './issues.js';
import { dead, ok, type StepResult } from '../core/result.js';
import { hashEmail, stableId } from '../core/hash.js';

const STEP = 'decode-csv';
const NUMBER = /^\s*(-?\d+(\.\d+)?([eE][-+]?\d+)?)?\s*$/;

/** What a column must hold; a column named by several roles gets all their rules. */
interface ColumnRule {
  required?: boolean;
  maxLength?: number;
  numeric?: boolean;
}

/**
 * Decodes CSV rows (already split into named fields by the reader) with the
 * column mapping of the journey definition.
 */
export function createCsvRowDecoder(mapping: CsvMapping, limits: InputLimits) {
  // One schema per column with every rule that applies to it: a role column
  // that is also numeric (REES46's user_id) stays required.
  const rules = new Map<string, ColumnRule>();
  const rule = (column: string, add: ColumnRule) => rules.set(column, { ...rules.get(column), ...add });
  rule(mapping.timestamp, { required: true, maxLength: 64 });
  rule(mapping.event, { required: true, maxLength: 512 });
  rule(mapping.key, { required: true, maxLength: limits.maxIdLength });
  if (mapping.eventId) rule(mapping.eventId, { required: true, maxLength: limits.maxIdLength });
  if (mapping.sourceSessionId) rule(mapping.sourceSessionId, { maxLength: limits.maxIdLength });
  const identifiers = mapping.identifiers ?? {};
  for (const column of [identifiers.anonymousId, identifiers.userId, identifiers.contactId]) if (column) rule(column, { maxLength: limits.maxIdLength });
  for (const column of mapping.numeric) rule(column, { numeric: true });
  const shape: Record<string, z.ZodType> = {};
  for (const [column, { maxLength, required, numeric }] of rules) {
    let schema = required ? z.string().trim().min(1, 'required') : z.string();
    if (maxLength !== undefined) schema = schema.max(maxLength);
    if (numeric) schema = schema.regex(NUMBER, 'expected a number');
    shape[column] = schema;
  }
  const schema = z.looseObject(shape);
  const readTime = createCsvTimeReader({ format: mapping.timestampFormat, timeZone: mapping.timeZone });
  const kept = mapping.properties ? new Set(mapping.properties) : undefined;

  return function decodeCsvRow(fields: Record<string, string>, raw: string, ctx: DecodeContext): StepResult<JourneyEvent> {
    if (raw.length * 3 > limits.maxRecordBytes && Buffer.byteLength(raw) > limits.maxRecordBytes) {
      return dead(STEP, `record is larger than ${limits.maxRecordBytes} bytes`);
    }
    const result = schema.safeParse(fields);
    if (!result.success) {
      const issues = issuesFromZod(result.error);
      return dead(STEP, `invalid CSV row: ${summarizeIssues(issues)}`, issues);
    }
    const timestampMs = readTime(fields[mapping.timestamp]!);
    const timeIssue = eventTimeIssue(timestampMs, ctx.receivedAtMs, limits, mapping.timestamp);
    if (timeIssue) return dead(STEP, timeIssue.message, [timeIssue]);
    const keyValue = fields[mapping.key]!.trim();
    // The key column is its kind's identifier; an identifier column fills the others (and may name the key's kind too: the key wins).
    const idOf = (kind: 'anonymousId' | 'userId' | 'contactId') =>
      mapping.keyKind === kind ? keyValue : identifiers[kind] ? (fields[identifiers[kind]] ?? '').trim() : '';
    const email = identifiers.email ? (fields[identifiers.email] ?? '').trim() : '';
    // No prototype: a column named __proto__ is a property like any other.
    const properties: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [column, value] of Object.entries(fields)) {
      // The email column is never kept: emails are stored only as a salted hash.
      if ((!kept || kept.has(column)) && column !== identifiers.email) properties[column] = value;
    }
    return ok({
      eventId: mapping.eventId ? fields[mapping.eventId]! : stableId('csv', raw),
      source: mapping.source,
      type: mapping.type,
      name: fields[mapping.event]!.trim(),
      timestampMs: timestampMs!,
      receivedAtMs: ctx.receivedAtMs,
      key: identityKey({ [mapping.keyKind]: keyValue }, [mapping.keyKind])!,
      anonymousId: idOf('anonymousId'),
      userId: idOf('userId'),
      contactId: idOf('contactId'),
      emailHash: email.includes('@') && ctx.emailSalt ? hashEmail(email, ctx.emailSalt) : '',
      sourceSessionId: mapping.sourceSessionId ? (fields[mapping.sourceSessionId] ?? '') : '',
      ...NO_WEB_CONTEXT,
      properties,
      context: {},
      nps: null,
      csat: null,
    });
  };
}

export type CsvRowDecoder = ReturnType<typeof createCsvRowDecoder>;
