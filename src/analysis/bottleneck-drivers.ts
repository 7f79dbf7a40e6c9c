import { smoothedOddsRatio } from './statistics.js';
import { atStage, countsAt, type DriverDimension, type StageBreakdown, type StepCounts } from './stage-breakdown.js';

/** A dimension value that explains part of a bottleneck. */
export interface Driver {
  dimension: DriverDimension;
  value: string;
  /**
   * Odds of dropping at the step (+1 smoothed): with a baseline, this value
   * now versus this value in the baseline; without, this value versus all others.
   */
  odds_ratio: number;
  /** Its part of the loss (see bottleneckDrivers), 0..1. */
  share_of_loss: number;
  /** Journeys of this value entered at the step (level ≥ k). */
  entered: number;
  /** Of those, the ones that skipped stage k (not in the conversion). */
  skipped: number;
  /** advanced / (entered − skipped). */
  conversion: number;
}

export interface DriverOptions {
  stageIndex: number;
  current: StageBreakdown;
  baseline: StageBreakdown | undefined;
  dimensions: readonly DriverDimension[];
  /** Journeys a value needs at the step (entered − skipped, in each period compared) to be considered. */
  minSupport?: number;
  /** At most this many drivers, strongest first. */
  limit?: number;
}

const dropped = (c: StepCounts) => atStage(c) - c.advanced;
const asProportion = (c: StepCounts) => ({ trials: atStage(c), successes: dropped(c) });
const conversionOf = (c: StepCounts) => c.advanced / Math.max(1, atStage(c));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The dimension values that drive a step's loss, strongest first. A value's
 * contribution is how many more sessions would have advanced had it converted
 * like its reference: with a baseline, its own baseline conversion (the loss
 * is the conversions lost against the baseline); without, the conversion of
 * all other values (the loss is every session lost at the step). Only values
 * with a positive contribution, an odds ratio above 1 and `minSupport`
 * journeys at the step are drivers. Every figure is on the journeys that were
 * really at stage k (entered − skipped), as the transition's conversion is.
 */
export function bottleneckDrivers(options: DriverOptions): Driver[] {
  const { stageIndex: k, current, baseline } = options;
  const minSupport = options.minSupport ?? 30;
  const overall = countsAt(current.overall, k);
  const overallBefore = countsAt(baseline?.overall, k);
  const loss = baseline
    ? atStage(overall) * (conversionOf(overallBefore) - conversionOf(overall))
    : dropped(overall);
  if (!(loss > 0)) return [];
  const drivers: Array<Driver & { contribution: number }> = [];
  for (const dimension of options.dimensions) {
    for (const [value, stages] of current.byValue.get(dimension) ?? []) {
      const now = countsAt(stages, k);
      if (atStage(now) < minSupport) continue;
      let reference: StepCounts;
      if (baseline) {
        reference = countsAt(baseline.byValue.get(dimension)?.get(value), k);
        if (atStage(reference) < minSupport) continue;
      } else {
        reference = { entered: overall.entered - now.entered, skipped: overall.skipped - now.skipped, advanced: overall.advanced - now.advanced };
        if (atStage(reference) === 0) continue;
      }
      const conversion = conversionOf(now);
      const contribution = atStage(now) * (conversionOf(reference) - conversion);
      const oddsRatio = smoothedOddsRatio(asProportion(now), asProportion(reference));
      if (contribution <= 0 || oddsRatio <= 1) continue;
      drivers.push({
        dimension,
        value,
        odds_ratio: round(oddsRatio, 3),
        share_of_loss: round(Math.min(1, contribution / loss), 4),
        entered: now.entered,
        skipped: now.skipped,
        conversion: round(conversion, 4),
        contribution,
      });
    }
  }
  return drivers
    .sort((a, b) => b.contribution - a.contribution || b.odds_ratio - a.odds_ratio)
    .slice(0, options.limit ?? 5)
    .map(({ contribution: _contribution, ...driver }) => driver);
}
