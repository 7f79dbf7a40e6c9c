/**
 * One alert state change as notifiers receive it. Figures are in the
 * metric's own terms: an abandonment rate (worse = higher) or a conversion
 * (worse = lower), as shares between 0 and 1.
 */
export interface AlertNotice {
  /** `<rule>@<bucket_start>`: the same for an alert's fired and resolved notices. */
  id: string;
  pipeline: string;
  rule: string;
  description: string | undefined;
  metric: 'abandonment_rate' | 'conversion';
  /** What is watched, e.g. `checkout → purchase abandonment (checkout_abandonment_15m)`. */
  metricLabel: string;
  state: 'fired' | 'resolved';
  /** ISO time of the 5-minute bucket where the anomaly began: names the alert. */
  bucketStart: string;
  /** ISO time of the bucket whose evaluation changed the state. */
  evaluatedBucket: string;
  /** ISO event time at which that bucket's outcomes were known (its end + the settle time). */
  knownAt: string;
  /** ISO start of the run of buckets the figures cover (it ends with evaluatedBucket). */
  runStart: string;
  value: number;
  baseline: number;
  baselineKind: 'seasonal' | 'trailing';
  baselineSessions: number;
  sessions: number;
  zScore: number;
  /** One plain sentence for people. */
  message: string;
}

/**
 * Delivers alert notices somewhere (a log, a webhook, a table). `notify`
 * resolves once delivered and rejects when it finally could not be; it is
 * called at most once per notice (the evaluator records state first).
 */
export interface AlertNotifier {
  readonly name: string;
  notify(notice: AlertNotice): Promise<void>;
}
