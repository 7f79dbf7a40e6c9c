import type { GeneratorOptions } from './options.js';
import { MINUTE_MS } from './time-format.js';

/** The visitor attributes a planted bottleneck can target. */
export interface VisitorDimensions {
  device: string;
  channel: string;
  country: string;
  segment: string;
  browser: string;
}

/** 'Paid Search', 'paid-search' and 'paid_search' all name the same value. */
function normalizeValue(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/**
 * The planted anomalies of a run: a per-dimension bottleneck on one stage
 * transition and a checkout-abandonment spike in a time window.
 */
export class Anomalies {
  private readonly bottleneck: GeneratorOptions['bottleneck'];
  private readonly bottleneckValue: string;
  private readonly spikeStartMs: number;
  private readonly spikeEndMs: number;
  private readonly spikeRate: number;

  /**
   * `stages` is the scenario's ordered funnel; a bottleneck on an unknown
   * stage, or on the last one (it has no next stage), is a configuration
   * error and throws rather than planting nothing.
   */
  constructor(options: Pick<GeneratorOptions, 'bottleneck' | 'spike' | 'scenario'>, stages: readonly string[]) {
    this.bottleneck = options.bottleneck;
    this.bottleneckValue = options.bottleneck ? normalizeValue(options.bottleneck.value) : '';
    if (options.bottleneck) {
      const index = stages.indexOf(options.bottleneck.fromStage);
      if (index < 0 || index === stages.length - 1) {
        throw new Error(
          `bottleneck.fromStage "${options.bottleneck.fromStage}" must be one of ${stages.slice(0, -1).join(', ')} for scenario ${options.scenario}`,
        );
      }
    }
    const spike = options.spike;
    this.spikeStartMs = spike ? Date.parse(spike.start) : Infinity;
    this.spikeEndMs = spike ? this.spikeStartMs + spike.durationMinutes * MINUTE_MS : -Infinity;
    this.spikeRate = spike ? spike.checkoutAbandonmentRate : 0;
  }

  /** Multiplier for the probability of advancing from `stage` to the next stage (1 when not targeted). */
  advanceFactor(stage: string, dimensions: VisitorDimensions): number {
    const b = this.bottleneck;
    if (!b || b.fromStage !== stage) return 1;
    return normalizeValue(dimensions[b.dimension]) === this.bottleneckValue ? b.conversionFactor : 1;
  }

  /** Whether the planted bottleneck slows this visitor at `stage` (their answers about it are worse). */
  hits(stage: string, dimensions: VisitorDimensions): boolean {
    return this.advanceFactor(stage, dimensions) < 1;
  }

  /**
   * Probability of completing a checkout started at `checkoutMs`: 1 − rate
   * inside the spike window [start, start + duration), else `baseProbability`.
   */
  checkoutCompletion(checkoutMs: number, baseProbability: number): number {
    if (checkoutMs >= this.spikeStartMs && checkoutMs < this.spikeEndMs) return 1 - this.spikeRate;
    return baseProbability;
  }
}

/** Clamps a probability after anomaly factors were applied. */
export function clampProbability(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}
