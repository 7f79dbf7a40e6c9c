/**
 * When an alert's anomaly began, when the verdict was known and the delay
 * between them — one function, so the CLI, the alerts table's message, the
 * webhook text and the demo all say it the same way.
 */
export interface AlertTiming {
  /** HH:MM (UTC) of the first bucket of the anomalous run. */
  onset: string;
  /** HH:MM (UTC) of the event time at which the verdict was known. */
  knownAt: string;
  /** Whole minutes from onset to knownAt. */
  delayMinutes: number;
  /** e.g. "anomaly began 17:00, known 17:25 UTC, 25 min after onset" (the dates are added when they differ). */
  text: string;
}

const toMs = (time: number | string) => (typeof time === 'number' ? time : Date.parse(time));
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The timing of one alert change: onset = the bucket where the anomaly began
 * (AlertNotice.bucketStart), knownAt = when the change was decided
 * (AlertNotice.knownAt: the evaluated bucket's end, plus the settle time of
 * metrics that are not read early). `state` 'resolved' words it as the end.
 */
export function alertTiming(options: { onset: number | string; knownAt: number | string; state?: 'fired' | 'resolved' }): AlertTiming {
  const onsetMs = toMs(options.onset);
  const knownMs = toMs(options.knownAt);
  const delayMinutes = Math.round((knownMs - onsetMs) / 60_000);
  const sameDay = day(onsetMs) === day(knownMs);
  const onset = hhmm(onsetMs);
  const knownAt = hhmm(knownMs);
  const began = sameDay ? onset : `${day(onsetMs)} ${onset}`;
  const known = sameDay ? knownAt : `${day(knownMs)} ${knownAt}`;
  const text =
    options.state === 'resolved'
      ? `anomaly began ${began}, resolved as known ${known} UTC, ${delayMinutes} min after onset`
      : `anomaly began ${began}, known ${known} UTC, ${delayMinutes} min after onset`;
  return { onset, knownAt, delayMinutes, text };
}
