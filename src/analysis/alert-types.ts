/** Journeys of one 5-minute bucket, and how many of them went badly (abandoned, or did not advance) once every outcome is known. */
export interface BucketCounts {
  sessions: number;
  bad: number;
  /**
   * Known early (abandonment rules): open[j] = of `sessions`, the ones still
   * without the `to` stage (no order yet) at bucket start + (j + 1) × 5
   * minutes, before the rule's window has closed on all of them — censored
   * outcomes. Absent when the metric has no early reading (a conversion).
   */
  open?: readonly number[];
}

/** A rule's metric per bucket start (ms); buckets without sessions may be absent. */
export type BucketSeries = ReadonlyMap<number, BucketCounts>;

/** Where a baseline came from: the same hour of the week in earlier weeks, or the trailing window. */
export type BaselineKind = 'seasonal' | 'trailing';

export interface Baseline extends BucketCounts {
  kind: BaselineKind;
  /**
   * How much more the baseline's hourly rates vary than chance alone would
   * make them (Pearson χ² / degrees of freedom, at least 1): traffic mix and
   * time-of-day effects. Standard errors are widened by its square root.
   */
  dispersion: number;
  /** Per age j + 1 buckets: the share of the baseline's journeys still open then (see BucketCounts.open). */
  openRates?: readonly number[];
}

/** An alert rule reduced to what the evaluator needs, in buckets and bad-outcome rates. */
export interface AlertPolicy {
  /** Longest run of recent buckets tested (1 = the evaluated bucket alone). */
  windowBuckets: number;
  /**
   * Buckets after its end during which a bucket is read early (censored):
   * 0 = only once every outcome is known. An evaluated bucket is judged when
   * it ends; the bucket j + 1 older than it by its open[j] until it is final.
   */
  earlyBuckets: number;
  /** A run fires when the one-sided tail probability of its bad count is below that of this z (exact binomial, widened by the dispersion). */
  minZScore: number;
  minSessions: number;
  /** Smallest rise of the bad-outcome rate worth an alert. */
  minAbsoluteChange: number;
  resolveBelowZScore: number;
  resolveAfterBuckets: number;
  cooldownBuckets: number;
  seasonalWeeks: number;
  trailingBuckets: number;
  baselineMinSessions: number;
}

/** A time span of buckets [fromMs, toMs) left out of baselines (earlier incidents, the open one). */
export interface ExcludedSpan {
  fromMs: number;
  toMs: number;
}

/** The state of one rule between buckets; what the alerts table remembers is enough to rebuild it. */
export interface AlertState {
  /** The open alert, named by the bucket where its anomaly began. */
  open: { onsetMs: number } | null;
  /** No new alert fires on buckets before this (cooldown after a resolve). */
  cooldownUntilMs: number;
}

/** The figures of one evaluated run of buckets against its baseline. */
export interface RunFigures {
  /** First bucket of the run (the onset when it fires). */
  runStartMs: number;
  sessions: number;
  /** Bad outcomes so far: abandoned, or still open (censored) in buckets read early. */
  bad: number;
  /** bad / sessions. */
  rate: number;
  baseline: Baseline;
  /** The rate the baseline expects for this run (its open rates at the ages read early, else baseline.bad / baseline.sessions). */
  baselineRate: number;
  /** One-sided tail probability of `bad` under the baseline. */
  pValue: number;
  /** The z of that tail probability (P(Z ≥ z) = pValue). */
  zScore: number;
}

/** A change of an alert's state, decided when `evaluatedBucketMs` was evaluated. */
export interface StateChange {
  state: 'fired' | 'resolved';
  /** The bucket where the anomaly began: names the alert, the same for its fired and resolved changes. */
  onsetMs: number;
  evaluatedBucketMs: number;
  figures: RunFigures;
}
