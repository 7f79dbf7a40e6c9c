import type { CivilTime } from './civil-time.js';

/**
 * Date patterns for CSV time columns, e.g. `DD-MM-YYYY HH:mm:ss`. Only these
 * tokens, so a pattern means one thing and a typo is refused at load instead
 * of misreading dates: YYYY (4 digits), MM / M (month, 2 or 1–2 digits),
 * DD / D (day), HH / H (hour 0–23), mm (minute), ss (second), SSS
 * (milliseconds). Other letters are refused unless inside [brackets]
 * (`YYYY-MM-DD[T]HH:mm`); every other character must appear as written.
 */
const TOKENS = {
  YYYY: { field: 'year', digits: '(\\d{4})' },
  MM: { field: 'month', digits: '(\\d\\d)' },
  M: { field: 'month', digits: '(\\d\\d?)' },
  DD: { field: 'day', digits: '(\\d\\d)' },
  D: { field: 'day', digits: '(\\d\\d?)' },
  HH: { field: 'hour', digits: '(\\d\\d)' },
  H: { field: 'hour', digits: '(\\d\\d?)' },
  mm: { field: 'minute', digits: '(\\d\\d)' },
  ss: { field: 'second', digits: '(\\d\\d)' },
  SSS: { field: 'ms', digits: '(\\d{3})' },
} as const;

type Field = (typeof TOKENS)[keyof typeof TOKENS]['field'];

/** Longest token first, so `MM` is not read as two `M`s. */
const TOKEN = /^(YYYY|MM|M|DD|D|HH|H|mm|ss|SSS)/;

export type TimePattern = { kind: 'ok'; read: (text: string) => CivilTime | undefined } | { kind: 'invalid'; reason: string };

/** Compiles a pattern once (at load), or says why it is not one. */
export function compileTimePattern(pattern: string): TimePattern {
  let source = '';
  const fields: Field[] = [];
  for (let at = 0; at < pattern.length; ) {
    const token = TOKEN.exec(pattern.slice(at))?.[1] as keyof typeof TOKENS | undefined;
    if (token) {
      const { field, digits } = TOKENS[token];
      if (fields.includes(field)) return { kind: 'invalid', reason: `${field} appears twice in "${pattern}"` };
      fields.push(field);
      source += digits;
      at += token.length;
    } else if (pattern[at] === '[') {
      const close = pattern.indexOf(']', at);
      if (close === -1) return { kind: 'invalid', reason: `unclosed [ in "${pattern}"` };
      source += escapeRegex(pattern.slice(at + 1, close));
      at = close + 1;
    } else if (/[A-Za-z]/.test(pattern[at]!)) {
      return { kind: 'invalid', reason: `unknown token "${pattern[at]}" in "${pattern}" (tokens: YYYY MM M DD D HH H mm ss SSS; [text] for literal letters)` };
    } else {
      source += escapeRegex(pattern[at]!);
      at++;
    }
  }
  for (const needed of ['year', 'month', 'day'] as const) {
    if (!fields.includes(needed)) return { kind: 'invalid', reason: `"${pattern}" has no ${needed} (YYYY, MM and DD are required)` };
  }
  if (fields.includes('minute') && !fields.includes('hour')) return { kind: 'invalid', reason: `"${pattern}" has minutes but no hour` };
  const regex = new RegExp(`^${source}$`);
  return {
    kind: 'ok',
    read(text) {
      const match = regex.exec(text);
      if (!match) return undefined;
      const time: CivilTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0 };
      for (let i = 0; i < fields.length; i++) time[fields[i]!] = Number(match[i + 1]);
      return time;
    },
  };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
