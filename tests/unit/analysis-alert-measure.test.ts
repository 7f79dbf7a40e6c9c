import { it } from 'vitest';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compileAlertRule } from '../../src/analysis/alert-policy.js';
import { walkBuckets } from '../../src/analysis/alert-walk.js';
import { syntheticSeries } from '../helpers/synthetic-buckets.js';

// The figures of docs/analysis.md ("Measured"), re-measured on demand (skipped otherwise: ~40 s):
//   ALERT_MEASURE=1 SEEDS=12 npx vitest run tests/unit/analysis-alert-measure.test.ts
// SEEDS=12 is 2,160 shop-days; Z, MINS, WIN override minZScore, minSessions, window (buckets).
const DAY = 86_400_000;
const MIN5 = 300_000;
const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 5);
const CLOSED = { open: null, cooldownUntilMs: -Infinity };
const QUIET = { rate: 0.44, dailySwing: 0.04, overdispersion: 0.03 };
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
const shipped = compileAlertRule(definition.alerts.find((a) => a.name === 'checkout_abandonment_spike')!, definition).policy;
const policy = { ...shipped, minZScore: env('Z', shipped.minZScore), minSessions: env('MINS', 8), windowBuckets: env('WIN', shipped.windowBuckets) };

it.runIf(process.env['ALERT_MEASURE'])('false alarms on quiet days and latency of planted spikes', () => {
  const seeds = env('SEEDS', 4);
  let fires = 0;
  for (const sessionsPerBucket of [0.5, 1, 3, 6, 12, 30]) {
    let volumeFires = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const series = syntheticSeries({ seed: seed * 1000 + sessionsPerBucket * 10, startMs: START, days: 35, sessionsPerBucket, ...QUIET });
      const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: START + 5 * DAY, toMs: START + 35 * DAY - MIN5, excluded: [] });
      volumeFires += changes.filter((c) => c.state === 'fired').length;
    }
    fires += volumeFires;
    console.log(`quiet, ${sessionsPerBucket} checkouts / 5 min: ${volumeFires} alerts in ${seeds * 30} shop-days`);
  }
  console.log(`quiet: ${fires} alerts in ${seeds * 180} shop-days`);
  for (const [sessionsPerBucket, baseRate, rate, minutes] of [[0.53, 0.4, 0.9, 120], [1.75, 0.44, 0.9, 120], [2.5, 0.44, 0.9, 120], [6, 0.44, 0.88, 240], [20, 0.44, 0.88, 240]] as const) {
    const delays: number[] = [];
    let missed = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const onsetMs = START + 15 * DAY + 17 * HOUR + (seed % 6) * MIN5;
      const endMs = onsetMs + minutes * 60_000;
      const series = syntheticSeries({ seed: 500 + seed, startMs: START, days: 17, sessionsPerBucket, ...QUIET, rate: baseRate, spike: { fromMs: onsetMs, toMs: endMs, rate } });
      const { changes } = walkBuckets({ series, policy, state: CLOSED, fromMs: onsetMs - DAY, toMs: endMs + 3 * HOUR, excluded: [] });
      const fired = changes.find((c) => c.state === 'fired');
      if (!fired) missed++;
      else delays.push((fired.evaluatedBucketMs + MIN5 - onsetMs) / 60_000);
    }
    delays.sort((a, b) => a - b);
    console.log(`spike ${rate * 100}% for ${minutes} min at ${sessionsPerBucket} / 5 min (base ${baseRate * 100}%): ${20 - missed} of 20 fired, known ${delays[0]}–${delays.at(-1)} min after onset, median ${delays[Math.floor(delays.length / 2)]}`);
  }
}, 600_000);
