import type { Malformer } from './event-scheduler.js';
import type { Prng } from './prng.js';
import { WeightedChoice } from './weighted-choice.js';
import { DAY_MS, formatIsoMs } from './time-format.js';

type JsonRecord = Record<string, unknown>;
type Shape = (line: string, record: JsonRecord, rng: Prng) => string;

const NOT_JSON = [
  '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>',
  'POST /v1/batch HTTP/1.1',
  'undefined',
  "{type: 'track', event: 'Product Viewed'}",
  '\u001f\u008b\u0008\u0000\u0000\u0000\u0000\u0000\u0000\u0003',
  'event=Order%20Completed&anonymousId=',
] as const;

/** A blank line: consumers skip it silently, so only a few are produced per run. */
const MAX_BLANK_LINES = 3;

function isCrm(record: JsonRecord): boolean {
  return record['source'] === 'crm';
}

function receivedMsOf(record: JsonRecord): number {
  const ms = Date.parse(String(record['receivedAt']));
  return Number.isFinite(ms) ? ms : Date.UTC(2026, 10, 2);
}

/** Sets the event time so that every reading of it (timestamp, or the clock-skew formula) yields `iso`. */
function setEventTime(record: JsonRecord, value: unknown): string {
  if (isCrm(record)) {
    record['occurredAt'] = value;
  } else {
    record['timestamp'] = value;
    record['originalTimestamp'] = value;
    // Without sentAt no skew correction applies: the consumer must read the bad time itself.
    delete record['sentAt'];
  }
  return JSON.stringify(record);
}

const SHAPES = new WeightedChoice<Shape>([
  [(_line, _record, rng) => rng.pick(NOT_JSON), 2],
  [(line, _record, rng) => line.slice(0, rng.int(1, line.length - 2)), 3],
  // An array is read as its events (json-bodies.ts): one holding the line as a string is one bad event.
  [(line) => JSON.stringify([line]), 1],
  [(_line, record) => setEventTime(record, receivedMsOf(record)), 1],
  [(_line, record, rng) => setEventTime(record, rng.pick(['yesterday', 'now', '32/13/2026 25:61'])), 1],
  [
    (_line, record) => {
      const field = isCrm(record) ? 'contactId' : 'anonymousId';
      record[field] = { id: record[field] ?? 'unknown' };
      return JSON.stringify(record);
    },
    1,
  ],
  [
    (_line, record) => {
      delete record['anonymousId'];
      delete record['userId'];
      delete record['contactId'];
      return JSON.stringify(record);
    },
    2,
  ],
  [(_line, record, rng) => setEventTime(record, rng.chance(0.5) ? '1970-01-01T00:00:00.000Z' : '1999-12-31T23:59:59.000Z'), 1],
  [(_line, record) => setEventTime(record, formatIsoMs(receivedMsOf(record) + 3 * DAY_MS)), 1],
  [
    (_line, record, rng) => {
      record[isCrm(record) ? 'id' : 'messageId'] = `msg_${'0123456789abcdef'.repeat(16)}${rng.int(0, 9)}`;
      return JSON.stringify(record);
    },
    1,
  ],
  [
    (_line, record) => {
      // Unknown CRM kind, or for Segment an unknown call type / a track without its event name.
      if (isCrm(record)) record['kind'] = 'contact_merged';
      else if (record['type'] === 'track') delete record['event'];
      else record['type'] = 'pageview';
      return JSON.stringify(record);
    },
    1,
  ],
  [
    (_line, record, rng) =>
      JSON.stringify({
        source: 'crm',
        id: `crm_survey_${rng.uint32().toString(16)}`,
        kind: 'survey_answered',
        occurredAt: record['occurredAt'] ?? record['originalTimestamp'],
        receivedAt: record['receivedAt'],
        contactId: record['contactId'] ?? `c_${rng.int(100_000, 999_999)}`,
        anonymousId: record['anonymousId'],
        survey: { type: 'nps', score: 11, comment: 'would recommend 11/10' },
      }),
    1,
  ],
]);

/**
 * Malformed variants of Segment messages and CRM envelopes, derived from a
 * valid line so they look like real corruption: not JSON, truncated, an
 * array, wrong types, no identity, a time before 2000 or 3 days ahead of
 * receivedAt, an over-long id, an unknown kind/type, an NPS of 11, a blank line.
 */
export function createJsonMalformer(): Malformer {
  let blankLines = 0;
  return (line, rng) => {
    if (blankLines < MAX_BLANK_LINES && rng.chance(0.01)) {
      blankLines++;
      return '';
    }
    const record = JSON.parse(line) as JsonRecord;
    return SHAPES.pick(rng)(line, record, rng);
  };
}
