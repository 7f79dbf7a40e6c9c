import { formatPValue } from './statistics.js';
import type { Driver } from './bottleneck-drivers.js';
import type { TransitionFigures } from './bottleneck-figures.js';

/** Percent with no decimals, or one when two figures would otherwise read the same. */
function percentPair(a: number, b: number): [string, string] {
  const digits = Math.round(a * 100) === Math.round(b * 100) ? 1 : 0;
  return [`${(a * 100).toFixed(digits)}%`, `${(b * 100).toFixed(digits)}%`];
}

const whole = (share: number) => `${Math.round(share * 100)}%`;

/**
 * The driving segment: the strongest driver. Only one is named because
 * dimensions overlap (browser=Mobile Safari is mostly device=mobile), so a
 * second driver is usually the first one seen through another dimension; the
 * full list is in the drivers. Not explained (undefined): no clause.
 */
function driverClause(drivers: readonly Driver[] | undefined): string {
  if (drivers === undefined) return '';
  const first = drivers[0];
  if (!first) return '; no single segment stands out';
  return `; ${first.dimension}=${first.value || '(none)'} accounts for ${whole(first.share_of_loss)} of the loss`;
}

/**
 * One plain sentence per transition, e.g. "checkout → purchase converts 41%
 * (baseline 58%, p < 0.001); device=mobile accounts for 72% of the loss".
 * `drivers` undefined: the transition was not explained, no driver clause.
 */
export function bottleneckSentence(
  t: TransitionFigures,
  drivers: readonly Driver[] | undefined,
  options: { hasBaseline: boolean; unit?: 'sessions' | 'journeys' },
): string {
  const step = `${t.from_stage} → ${t.to_stage}`;
  const unit = options.unit ?? 'sessions';
  if (t.conversion === null) {
    return t.entered === 0 ? `${step}: no ${unit.slice(0, -1)} reached ${t.from_stage}` : `${step}: all ${t.entered.toLocaleString('en-US')} ${unit} that reached ${t.from_stage} skipped it`;
  }
  if (!options.hasBaseline || t.baseline_conversion === null || t.p_value === null) {
    return `${step} converts ${whole(t.conversion)}; ${t.lost.toLocaleString('en-US')} ${unit} drop here, ${whole(t.share_of_dropoff)} of all drop-off${driverClause(drivers)}`;
  }
  const [now, before] = percentPair(t.conversion, t.baseline_conversion);
  const head = `${step} converts ${now} (baseline ${before}, ${formatPValue(t.p_value)})`;
  if (t.significant && (t.lost_vs_baseline ?? 0) > 0) return `${head}${driverClause(drivers)}`;
  if (t.significant) return `${head}: better than the baseline`;
  return `${head}: no significant change`;
}
