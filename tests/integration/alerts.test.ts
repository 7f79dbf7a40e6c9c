import { createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { generatedFile } from '../helpers/generated-input.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { evaluateAlerts } from '../../src/analysis/evaluate-alerts.js';
import { readPipelineWatermarkMs } from '../../src/analysis/alert-series.js';
import { createWebhookNotifier } from '../../src/notifiers/webhook-notifier.js';
import type { AlertNotice } from '../../src/notifiers/notifier.js';
import type { Store } from '../../src/stores/store.js';
import { alertTiming } from '../../src/analysis/alert-timing.js';

const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
const pipeline = compilePipeline(definition);
const MIN5 = 300_000;
const WITHIN_MS = 900_000; // checkout_abandonment_15m
const SPIKE_START_MS = Date.parse('2026-11-05T17:00:00Z');
const SPIKE_END_MS = SPIKE_START_MS + 60 * 60_000;
const SECRET = 'test-secret';

// A busy shop (70,000 visitors a day, ~15 checkouts per 5 minutes at 17:00 UTC) from 12:00 to
// 19:30; from 17:00 to 18:00, 95 % of checkouts are abandoned. Alerts are read off the sessions
// (open ones as provisional rows), so only the ingest is needed, not the rollups. `journeys run` evaluates as
// buckets complete: here the watermark is stepped through the day 5 minutes at a time.
describe('checkout abandonment spike alert on generated traffic', () => {
  let store: Store;
  let dir: string;
  let database: string;
  let cleanup: () => Promise<void>;
  let input: string;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let watermarkMs: number;
  const delivered: Array<{ notice: AlertNotice; nowMs: number }> = [];

  beforeAll(async () => {
    database = `t_${Math.random().toString(36).slice(2, 10)}`;
    ({ store, dir, cleanup } = await openTestStore(database));
    receiver = await startWebhookReceiver({ lifetimeMs: 110_000 });
    input = (await generatedFile('spike.ndjson', [
      { seed: 5, start: '2026-11-05T12:00:00Z', days: 7.5 / 24, visitorsPerDay: 70_000, spike: { start: '2026-11-05T17:00:00Z', durationMinutes: 60, checkoutAbandonmentRate: 0.95 } },
    ])).path;
    await ingestFiles(store, pipeline, [input]);
    watermarkMs = (await readPipelineWatermarkMs(store, 'ecommerce'))!;
    const webhook = createWebhookNotifier({ url: receiver.url, secret: SECRET, timeoutMs: 2_000 });
    for (let nowMs = Date.parse('2026-11-05T13:00:00Z'); nowMs <= watermarkMs; nowMs += MIN5) {
      const result = await evaluateAlerts({ store, pipeline, nowMs, notifiers: [webhook] });
      expect(result.deliveryFailures).toEqual([]);
      for (const notice of result.notices) delivered.push({ notice, nowMs });
    }
  }, 120_000);
  afterAll(async () => {
    await receiver.close();
    await cleanup();
  });

  it('fires once for the bucket where the spike began, soon after its outcomes are known, and resolves after it ends', () => {
    expect(delivered.map((d) => `${d.notice.rule} ${d.notice.state}`)).toEqual(['checkout_abandonment_spike fired', 'checkout_abandonment_spike resolved']);
    const [fired, resolved] = delivered;
    const onsetMs = Date.parse(fired!.notice.bucketStart);
    // the alert names a bucket at most 2 buckets after the onset …
    expect(onsetMs).toBeGreaterThanOrEqual(SPIKE_START_MS);
    expect(onsetMs).toBeLessThanOrEqual(SPIKE_START_MS + 2 * MIN5);
    // … and is known within the short rule's window plus two buckets of the onset: checkouts still
    // without an order are read as they age, so it need not wait for every outcome (bucket end + 15 min)
    const knownMs = onsetMs + MIN5 + WITHIN_MS;
    expect(fired!.nowMs - SPIKE_START_MS).toBeLessThanOrEqual(WITHIN_MS + 2 * MIN5);
    expect(Date.parse(fired!.notice.knownAt)).toBe(fired!.nowMs);
    expect(fired!.notice.message).toContain(alertTiming({ onset: fired!.notice.bucketStart, knownAt: fired!.notice.knownAt }).text);
    expect(fired!.notice.message).toMatch(/anomaly began 17:0[05], known 17:\d\d UTC, \d+ min after onset$/);
    expect(fired!.notice).toMatchObject({ metric: 'abandonment_rate', baselineKind: 'trailing' });
    expect(fired!.notice.value).toBeGreaterThan(0.85);
    expect(fired!.notice.baseline).toBeLessThan(0.6);
    expect(fired!.notice.sessions).toBeGreaterThanOrEqual(8);
    console.log(
      `spike alert: onset ${(onsetMs - SPIKE_START_MS) / MIN5} buckets after the spike began, known ${(fired!.nowMs - knownMs) / MIN5} buckets after that bucket's last outcome ` +
        `(${(fired!.nowMs - SPIKE_START_MS) / 60_000} min after the spike began); resolved on bucket ${resolved!.notice.evaluatedBucket}`,
    );
    expect(resolved!.notice.bucketStart).toBe(fired!.notice.bucketStart);
    expect(Date.parse(resolved!.notice.evaluatedBucket)).toBeGreaterThanOrEqual(SPIKE_END_MS);
    expect(Date.parse(resolved!.notice.evaluatedBucket)).toBeLessThanOrEqual(SPIKE_END_MS + 6 * MIN5);
  });

  it('the webhook received both, Slack-compatible and signed', () => {
    expect(receiver.received).toHaveLength(2);
    for (const [i, request] of receiver.received.entries()) {
      expect(request.headers['x-journeys-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
      const body = JSON.parse(request.body);
      expect(body.text).toContain(delivered[i]!.notice.message);
      expect(body.alert).toEqual(delivered[i]!.notice);
    }
  });

  it('a second evaluation and a replay of the same input notify nothing again', async () => {
    const again = await evaluateAlerts({ store, pipeline, nowMs: watermarkMs, fromMs: 0, notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })] });
    expect(again.notices).toEqual([]);
    await ingestFiles(store, pipeline, [input]);
    const replayed = await evaluateAlerts({ store, pipeline, nowMs: watermarkMs, fromMs: 0, notifiers: [createWebhookNotifier({ url: receiver.url, secret: SECRET })] });
    expect(replayed.notices).toEqual([]);
    expect(receiver.received).toHaveLength(2);
    const rows = await store.query<{ state: string; n: number | string }>("SELECT state, count() AS n FROM alerts FINAL WHERE pipeline = 'ecommerce' GROUP BY state ORDER BY state");
    expect(rows.map((r) => [r.state, Number(r.n)])).toEqual([['fired', 1], ['resolved', 1]]);
  });

  it('one evaluation over the whole day decides exactly what the bucket-by-bucket evaluations did', async () => {
    await store.command('TRUNCATE TABLE alerts');
    const once = await evaluateAlerts({ store, pipeline, nowMs: watermarkMs, fromMs: 0 });
    expect(once.notices).toEqual(delivered.map((d) => d.notice));
  });

  it('journeys alerts check --json and alerts list show the recorded alert', async () => {
    await store.close();
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['bin/journeys.js', 'alerts', ...args, '--pipeline', 'ecommerce', '--store', `embedded:${dir}`, '--database', database], {
        encoding: 'utf8',
        env: { ...process.env, JOURNEYS_STORE: '' },
      });
    const check = cli(['check', '--json', '--quiet']);
    expect(check.status, check.stderr).toBe(0);
    const [fired, resolved] = delivered;
    expect(JSON.parse(check.stdout)).toEqual({
      alerts: [
        { rule: 'checkout_abandonment_spike', state: 'fired', bucket_start: fired!.notice.bucketStart, value: fired!.notice.value, baseline: fired!.notice.baseline, sessions: fired!.notice.sessions, evaluated_bucket: fired!.notice.evaluatedBucket, known_at: fired!.notice.knownAt, delay_minutes: (Date.parse(fired!.notice.knownAt) - Date.parse(fired!.notice.bucketStart)) / 60_000, new: false },
        { rule: 'checkout_abandonment_spike', state: 'resolved', bucket_start: fired!.notice.bucketStart, value: resolved!.notice.value, baseline: resolved!.notice.baseline, sessions: resolved!.notice.sessions, evaluated_bucket: resolved!.notice.evaluatedBucket, known_at: resolved!.notice.knownAt, delay_minutes: (Date.parse(resolved!.notice.knownAt) - Date.parse(fired!.notice.bucketStart)) / 60_000, new: false },
      ],
    });
    const list = cli(['list']);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/checkout_abandonment_spike\s+resolved/);
    expect(list.stdout).toMatch(/checkout_abandonment_spike\s+fired\s+2026-11-05: anomaly began 17:0[05], known 17:\d\d UTC, \d+ min after onset/);
  });
});
