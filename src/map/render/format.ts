/**
 * How the page writes numbers. Every figure arrives computed in the
 * JourneyMap; these only turn it into text (fractions to percent, ms to
 * durations). Null, i.e. "not defined here", is always an em dash.
 */
import { formatDurationMs } from '../../core/duration.js';
import type { JourneyMap } from '../journey-map.js';

export const DASH = '—';
/** U+2212: a real minus sign, the width of the plus sign, so signed columns line up. */
const MINUS = '−';

const COUNT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 → "12,345". */
export function formatCount(n: number | null): string {
  return n === null ? DASH : COUNT.format(n);
}

/** A fraction as percent with one decimal: 0.4567 → "45.7%". */
export function formatPercent(fraction: number | null): string {
  return fraction === null ? DASH : `${(fraction * 100).toFixed(1)}%`;
}

/** A difference of two fractions in percentage points, signed: 0.032 → "+3.2 pp". */
export function formatPoints(difference: number | null): string {
  if (difference === null) return DASH;
  return `${signed((difference * 100).toFixed(1))} pp`;
}

export function formatDuration(ms: number | null): string {
  return ms === null ? DASH : formatDurationMs(ms);
}

/** A whole-day window as "7 d", anything else as formatDurationMs. */
export function formatWindow(ms: number): string {
  return ms > 0 && ms % 86_400_000 === 0 ? `${ms / 86_400_000} d` : formatDurationMs(ms);
}

/** NPS scores are read as whole points: 32.5 → "+33", −12.4 → "−12". */
export function formatNps(score: number | null): string {
  if (score === null) return DASH;
  return signed(Math.round(score).toFixed(0));
}

export function formatNpsInterval(low: number, high: number): string {
  return `${formatNps(low)} to ${formatNps(high)}`;
}

/** CSAT mean, two decimals. */
export function formatCsat(mean: number | null): string {
  return mean === null ? DASH : mean.toFixed(2);
}

export function formatCsatInterval(low: number | null, high: number | null): string | null {
  return low === null || high === null ? null : `${low.toFixed(2)}–${high.toFixed(2)}`;
}

export function formatPValue(p: number | null): string {
  if (p === null) return DASH;
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** An ISO instant as "2026-11-08 14:00 UTC" (the map's times are UTC and hour-rounded). */
export function formatInstant(iso: string | null): string {
  if (iso === null) return DASH;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  return `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "per session" or "per person's journey (window 7 d)". */
export function formatLevel(map: Pick<JourneyMap, 'level' | 'journey_window_ms'>): string {
  if (map.level === 'session') return 'per session';
  return map.journey_window_ms === null
    ? "per person's journey"
    : `per person's journey (window ${formatWindow(map.journey_window_ms)})`;
}

/** Adds "+" or a real minus; a value that rounds to zero carries no sign ("-0.0" → "0.0"). */
function signed(text: string): string {
  if (/^-?0(\.0+)?$/.test(text)) return text.replace('-', '');
  return text.startsWith('-') ? `${MINUS}${text.slice(1)}` : `+${text}`;
}
