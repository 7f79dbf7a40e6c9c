import { civilToUtcMs } from './civil-time.js';
import { parseIsoMs } from './time.js';
import { compileTimePattern } from './time-pattern.js';
import { compileTimeZone } from './time-zone.js';

/** The formats a CSV time column may declare; anything else is a date pattern (time-pattern.ts). */
export const NAMED_TIME_FORMATS = ['iso', 'epoch_ms', 'epoch_s'] as const;

/** A trailing UTC/GMT word, as REES46 writes `2019-10-01 00:00:00 UTC`. */
const UTC_WORD = /^(.*\d) ?(?:UTC|GMT)$/i;
const EPOCH = /^\d+(?:\.\d+)?$/;

export interface CsvTimeOptions {
  /** `iso`, `epoch_ms`, `epoch_s`, or a pattern such as `DD-MM-YYYY HH:mm:ss`. */
  format: string;
  /** For patterns only: the zone of their wall times (default UTC). */
  timeZone?: string | undefined;
}

/** Why these options cannot read times, naming the option at fault; undefined when they can (the mapping schema checks at load). */
export function csvTimeOptionsIssue(options: CsvTimeOptions): { option: 'timestampFormat' | 'timeZone'; message: string } | undefined {
  const named = (NAMED_TIME_FORMATS as readonly string[]).includes(options.format);
  if (!named) {
    const pattern = compileTimePattern(options.format);
    if (pattern.kind === 'invalid') {
      return { option: 'timestampFormat', message: `expected ${NAMED_TIME_FORMATS.join(', ')} or a date pattern: ${pattern.reason}` };
    }
  }
  if (options.timeZone === undefined) return undefined;
  if (named) {
    return {
      option: 'timeZone',
      message: `timeZone applies to date patterns only (iso times carry their own zone or are UTC; epochs are UTC), not to ${options.format}`,
    };
  }
  const zone = compileTimeZone(options.timeZone);
  return zone.kind === 'invalid' ? { option: 'timeZone', message: zone.reason } : undefined;
}

/**
 * A reader of one time column: ms since the epoch, or undefined when the text
 * is not in the declared format (never a guess). Epochs may come out of range;
 * eventTimeIssue reports that. The options must have passed
 * csvTimeOptionsIssue (the mapping schema checks them at load).
 */
export function createCsvTimeReader(options: CsvTimeOptions): (text: string) => number | undefined {
  const issue = csvTimeOptionsIssue(options);
  if (issue) throw new Error(`invalid CSV time options: ${issue.option}: ${issue.message}`);
  switch (options.format) {
    case 'epoch_ms':
    case 'epoch_s': {
      const scale = options.format === 'epoch_s' ? 1000 : 1;
      return (text) => {
        const trimmed = text.trim();
        return EPOCH.test(trimmed) ? Math.round(Number(trimmed) * scale) : undefined;
      };
    }
    case 'iso':
      return (text) => {
        const trimmed = text.trim();
        const utc = UTC_WORD.exec(trimmed);
        return parseIsoMs(utc ? `${utc[1]}Z` : trimmed);
      };
    default: {
      const pattern = compileTimePattern(options.format);
      const zone = compileTimeZone(options.timeZone ?? 'UTC');
      if (pattern.kind === 'invalid' || zone.kind === 'invalid') throw new Error('unreachable: checked above');
      return (text) => {
        const civil = pattern.read(text.trim());
        const wallMs = civil && civilToUtcMs(civil);
        return wallMs === undefined ? undefined : zone.toUtcMs(wallMs);
      };
    }
  }
}
