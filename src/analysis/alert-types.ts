/** Sessions of one 5-minute bucket whose outcome is known, and how many of them went badly (abandoned, or did not advance). */
export interface BucketCounts {
  sessions: number;
  bad: number;
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
}

/** An alert rule reduced to what the evaluator needs, in buckets and bad-outcome rates. */
export interface AlertPolicy {
  /** Longest run of recent buckets tested (1 = the evaluated bucket alone). */
  windowBuckets: number;
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
  bad: number;
  /** bad / sessions. */
  rate: number;
  baseline: Baseline;
  /** baseline.bad / baseline.sessions. */
  baselineRate: number;
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
