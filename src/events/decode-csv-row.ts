import { z } from 'zod';
import type { CsvMapping } from '../journey/csv-mapping.js';
import { NO_WEB_CONTEXT, type JourneyEvent } from './journey-event.js';
import type { InputLimits } from './limits.js';
import { identityKey } from './identity.js';
import { parseIsoMs } from './time.js';
import { eventTimeIssue, type DecodeContext } from './decode-context.js';
import { issuesFromZod, summarizeIssues } from './issues.js';
import { dead, ok, type StepResult } from '../core/result.js';
import { stableId } from '../core/hash.js';

const STEP = 'decode-csv';
const SPACED_ISO = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(UTC|GMT|Z|[+-]\d\d:?\d\d)?$/i;

function parseCsvTime(text: string, format: CsvMapping['timestampFormat']): number | undefined {
  if (format === 'epoch_ms' || format === 'epoch_s') {
    if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
    return Math.round(Number(text) * (format === 'epoch_s' ? 1000 : 1));
  }
  const spaced = SPACED_ISO.exec(text.trim());
  if (spaced) {
    const zone = !spaced[3] || /^(UTC|GMT)$/i.test(spaced[3]) ? 'Z' : spaced[3];
    return parseIsoMs(`${spaced[1]}T${spaced[2]}${zone}`);
  }
  return parseIsoMs(text);
}

/**
 * Decodes CSV rows (already split into named fields by the reader) with the
 * column mapping of the journey definition.
 */
export function createCsvRowDecoder(mapping: CsvMapping, limits: InputLimits) {
  const required = z.string().trim().min(1, 'required');
  const shape: Record<string, z.ZodType> = {
    [mapping.timestamp]: required.max(64),
    [mapping.event]: required.max(512),
    [mapping.key]: required.max(limits.maxIdLength),
  };
  if (mapping.eventId) shape[mapping.eventId] = required.max(limits.maxIdLength);
  if (mapping.sourceSessionId) shape[mapping.sourceSessionId] = z.string().max(limits.maxIdLength);
  for (const column of mapping.numeric) {
    shape[column] = z.string().regex(/^\s*(-?\d+(\.\d+)?([eE][-+]?\d+)?)?\s*$/, 'expected a number');
  }
  const schema = z.looseObject(shape);
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
    const timestampMs = parseCsvTime(fields[mapping.timestamp]!, mapping.timestampFormat);
    const timeIssue = eventTimeIssue(timestampMs, ctx.receivedAtMs, limits, mapping.timestamp);
    if (timeIssue) return dead(STEP, timeIssue.message, [timeIssue]);
    const keyValue = fields[mapping.key]!.trim();
    const properties: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(fields)) {
      if (!kept || kept.has(column)) properties[column] = value;
    }
    return ok({
      eventId: mapping.eventId ? fields[mapping.eventId]! : stableId('csv', raw),
      source: mapping.source,
      type: mapping.type,
      name: fields[mapping.event]!.trim(),
      timestampMs: timestampMs!,
      receivedAtMs: ctx.receivedAtMs,
      key: identityKey({ [mapping.keyKind]: keyValue }, [mapping.keyKind])!,
      anonymousId: mapping.keyKind === 'anonymousId' ? keyValue : '',
      userId: mapping.keyKind === 'userId' ? keyValue : '',
      contactId: mapping.keyKind === 'contactId' ? keyValue : '',
      emailHash: '',
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
