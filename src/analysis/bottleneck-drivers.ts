import { smoothedOddsRatio } from './statistics.js';
import { countsAt, type DriverDimension, type StageBreakdown, type StepCounts } from './stage-breakdown.js';

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
  entered: number;
  conversion: number;
}

export interface DriverOptions {
  stageIndex: number;
  current: StageBreakdown;
  baseline: StageBreakdown | undefined;
  dimensions: readonly DriverDimension[];
  /** Sessions a value needs at the step (in each period compared) to be considered. */
  minSupport?: number;
  /** At most this many drivers, strongest first. */
  limit?: number;
}

const dropped = (c: StepCounts) => c.entered - c.advanced;
const asProportion = (c: StepCounts) => ({ trials: c.entered, successes: dropped(c) });
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The dimension values that drive a step's loss, strongest first. A value's
 * contribution is how many more sessions would have advanced had it converted
 * like its reference: with a baseline, its own baseline conversion (the loss
 * is the conversions lost against the baseline); without, the conversion of
 * all other values (the loss is every session lost at the step). Only values
 * with a positive contribution, an odds ratio above 1 and `minSupport`
 * sessions are drivers.
 */
export function bottleneckDrivers(options: DriverOptions): Driver[] {
  const { stageIndex: k, current, baseline } = options;
  const minSupport = options.minSupport ?? 30;
  const overall = countsAt(current.overall, k);
  const overallBefore = countsAt(baseline?.overall, k);
  const loss = baseline
    ? overall.entered * (overallBefore.advanced / Math.max(1, overallBefore.entered) - overall.advanced / Math.max(1, overall.entered))
    : dropped(overall);
  if (!(loss > 0)) return [];
  const drivers: Array<Driver & { contribution: number }> = [];
  for (const dimension of options.dimensions) {
    for (const [value, stages] of current.byValue.get(dimension) ?? []) {
      const now = countsAt(stages, k);
      if (now.entered < minSupport) continue;
      let reference: StepCounts;
      if (baseline) {
        reference = countsAt(baseline.byValue.get(dimension)?.get(value), k);
        if (reference.entered < minSupport) continue;
      } else {
        reference = { entered: overall.entered - now.entered, advanced: overall.advanced - now.advanced };
        if (reference.entered === 0) continue;
      }
      const conversion = now.advanced / now.entered;
      const contribution = now.entered * (reference.advanced / reference.entered - conversion);
      const oddsRatio = smoothedOddsRatio(asProportion(now), asProportion(reference));
      if (contribution <= 0 || oddsRatio <= 1) continue;
      drivers.push({
        dimension,
        value,
        odds_ratio: round(oddsRatio, 3),
        share_of_loss: round(Math.min(1, contribution / loss), 4),
        entered: now.entered,
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
