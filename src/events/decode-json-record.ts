import { createSegmentSchema, type SegmentMessage } from './segment-schema.js';
import { createSegmentFastCheck } from './segment-fast-check.js';
import { createCrmSchema } from './crm-schema.js';
import { normalizeSegment } from './normalize-segment.js';
import { normalizeCrm } from './normalize-crm.js';
import { issuesFromZod, summarizeIssues } from './issues.js';
import { nestingIssue } from './nesting-depth.js';
import { dropAbsentFields } from './absent-fields.js';
import type { DecodeContext } from './decode-context.js';
import type { JourneyEvent } from './journey-event.js';
import type { InputLimits } from './limits.js';
import { dead, type StepResult } from '../core/result.js';

const STEP = 'decode-json';

/**
 * Decodes one JSON text (an NDJSON line or a Kafka message value) into a
 * JourneyEvent: size limit, JSON, schema (Segment message or CRM envelope,
 * told apart by `source: "crm"`), then normalization. Never throws for bad input.
 */
export function createJsonRecordDecoder(limits: InputLimits) {
  const segment = createSegmentSchema(limits);
  const segmentAccepts = createSegmentFastCheck(limits);
  const crm = createCrmSchema(limits);
  return function decodeJsonRecord(raw: string, ctx: DecodeContext): StepResult<JourneyEvent> {
    // A UTF-8 byte is at most 3 per UTF-16 unit, so only long texts need counting.
    if (raw.length * 3 > limits.maxRecordBytes && Buffer.byteLength(raw) > limits.maxRecordBytes) {
      return dead(STEP, `record is larger than ${limits.maxRecordBytes} bytes`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      return dead(STEP, `not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return dead(STEP, `expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
    }
    // Before the schemas: writing the row would overflow the stack on a deep one.
    const tooDeep = nestingIssue({ raw, record: parsed, maxDepth: limits.maxNestingDepth });
    if (tooDeep) return dead(STEP, `${tooDeep.path}: ${tooDeep.message}`, [tooDeep]);
    // null and "" in optional fields mean "not given" (absent-fields.ts).
    dropAbsentFields(parsed as Record<string, unknown>);
    if ((parsed as Record<string, unknown>)['source'] === 'crm') {
      const result = crm.safeParse(parsed);
      if (!result.success) {
        const issues = issuesFromZod(result.error);
        return dead('validate-crm', `invalid CRM envelope: ${summarizeIssues(issues)}`, issues);
      }
      // The schemas transform nothing: the original keeps any extra fields a producer sent.
      return normalizeCrm(parsed as typeof result.data, ctx);
    }
    // The plain check accepts exactly what the schema accepts; zod is asked
    // only for a message it refuses, to name the issues.
    if (!segmentAccepts(parsed as Record<string, unknown>)) {
      const result = segment.safeParse(parsed);
      if (!result.success) {
        const issues = issuesFromZod(result.error);
        return dead('validate-segment', `invalid Segment message: ${summarizeIssues(issues)}`, issues);
      }
    }
    return normalizeSegment(parsed as SegmentMessage, raw, ctx);
  };
}

export type JsonRecordDecoder = ReturnType<typeof createJsonRecordDecoder>;
