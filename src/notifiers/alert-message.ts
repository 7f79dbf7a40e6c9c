const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
const utc = (iso: string) => iso.replace('T', ' ').replace(/:00(\.000)?Z$/, ' UTC');

/** The plain sentence of an alert notice, e.g. for a fired one: "checkout_abandonment_spike: … 88.0% over 41 sessions (baseline 44.1%, z = 6.3) since 2026-11-05 17:00 UTC". */
export function alertMessage(notice: {
  rule: string;
  metricLabel: string;
  state: 'fired' | 'resolved';
  bucketStart: string;
  runStart: string;
  value: number;
  baseline: number;
  sessions: number;
  zScore: number;
}): string {
  const figures = `${pct(notice.value)} over ${notice.sessions} sessions from ${utc(notice.runStart)} (baseline ${pct(notice.baseline)}, z = ${notice.zScore.toFixed(1)})`;
  return notice.state === 'fired'
    ? `${notice.rule} fired: ${notice.metricLabel} at ${figures}; the anomaly began at ${utc(notice.bucketStart)}`
    : `${notice.rule} resolved: ${notice.metricLabel} back to ${figures}; the alert began at ${utc(notice.bucketStart)}`;
}
