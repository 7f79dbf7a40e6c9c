import { civilToUtcMs, isTimeInRange } from './civil-time.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A time zone for wall-clock times that carry none: `UTC`, a fixed offset
 * (`+02:00`, `-0530`) or an IANA name (`Europe/Berlin`, via Intl and the tz
 * data of the Node build). `toUtcMs` takes the wall time read as if it were
 * UTC (civilToUtcMs) and returns the instant.
 *
 * Daylight-saving changes resolve like Temporal's `compatible`: a wall time
 * that occurs twice (clocks set back) is the earlier instant; one that never
 * occurs (clocks set forward) is read with the offset before the change,
 * i.e. moved forward by the length of the gap (02:30 on the spring-forward
 * night in Berlin becomes 03:30 CEST).
 */
export type TimeZone = { kind: 'ok'; toUtcMs: (wallMs: number) => number | undefined } | { kind: 'invalid'; reason: string };

const FIXED_OFFSET = /^([+-])(\d\d):?(\d\d)$/;

export function compileTimeZone(name: string): TimeZone {
  if (name === 'UTC' || name === 'Z') return fixed(0);
  const offset = FIXED_OFFSET.exec(name);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3]);
    if (hours > 23 || minutes > 59) return { kind: 'invalid', reason: `offset ${name} is out of range` };
    return fixed((offset[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000);
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return { kind: 'invalid', reason: `unknown time zone "${name}" (an IANA name such as Europe/Berlin, UTC, or an offset such as +02:00)` };
  }
  return { kind: 'ok', toUtcMs: cachedByHour(zoneResolver(format)) };
}

function fixed(offsetMs: number): TimeZone {
  return { kind: 'ok', toUtcMs: (wallMs) => checked(wallMs - offsetMs) };
}

function checked(ms: number): number | undefined {
  return isTimeInRange(ms) ? ms : undefined;
}

/** The zone's offset (wall − UTC, ms, whole seconds) at an instant. */
function offsetAt(format: Intl.DateTimeFormat, instantMs: number): number {
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(instantMs)) parts[part.type] = part.value;
  const year = Number(parts['year']);
  const wall = civilToUtcMs({
    year: parts['era'] === 'BC' ? 1 - year : year,
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    second: Number(parts['second']),
    ms: 0,
  });
  // Outside years 0000–9999 (only reachable a day past the range's ends) the offset is taken as 0.
  return wall === undefined ? 0 : wall - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The exact rule: the offsets a day before and after bound the candidates
 * (no zone changes offset twice within two days).
 */
function zoneResolver(format: Intl.DateTimeFormat): (wallMs: number) => number {
  return (wallMs) => {
    const before = offsetAt(format, wallMs - DAY_MS);
    const after = offsetAt(format, wallMs + DAY_MS);
    const early = wallMs - before;
    const earlyValid = offsetAt(format, early) === before;
    if (before === after && earlyValid) return early;
    const late = wallMs - after;
    const lateValid = offsetAt(format, late) === after;
    if (earlyValid && lateValid) return Math.min(early, late);
    if (earlyValid) return early;
    if (lateValid) return late;
    return early; // in a gap: the offset before the change
  };
}

const MAX_CACHED_HOURS = 50_000;

/**
 * formatToParts costs ~6 µs and the exact rule needs up to four, per row. An
 * hour of wall time whose first and last millisecond resolve to the same
 * offset has that offset throughout (offsets change at most once an hour), so
 * it is resolved once; an hour holding a change is resolved per time.
 */
function cachedByHour(resolve: (wallMs: number) => number): (wallMs: number) => number | undefined {
  const offsets = new Map<number, number>();
  return (wallMs) => {
    const hour = Math.floor(wallMs / HOUR_MS);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const start = hour * HOUR_MS;
      const end = start + HOUR_MS - 1;
      const startOffset = start - resolve(start);
      offset = end - resolve(end) === startOffset ? startOffset : NaN;
      if (offsets.size >= MAX_CACHED_HOURS) offsets.clear();
      offsets.set(hour, offset);
    }
    return checked(Number.isNaN(offset) ? resolve(wallMs) : wallMs - offset);
  };
}
