import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import { ConsumerMetrics, DEAD_LETTER_STEPS } from '../../src/sources/kafka/consumer-metrics.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type RawRecord } from '../../src/pipeline/compiled-pipeline.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DeadLetter } from '../../src/core/result.js';
import { samplesOf } from '../helpers/exposition.js';

function consumerMetrics() {
  const registry = createMetricsRegistry({ version: '9.9.9' });
  const metrics = new ConsumerMetrics({ registry, topics: ['site-events', 'crm-events'], alertRules: ['checkout_drop'] });
  return { registry, metrics, scrape: async () => samplesOf(await registry.metrics()) };
}

const letter = (step: string): DeadLetter => ({ raw: 'x', origin: { kind: 'kafka', topic: 'site-events', partition: 0, offset: '0' }, step, reason: 'r', issues: [], receivedAtMs: 0 });

describe('consumer metrics (prom-client)', () => {
  it('the defaults and the build info: process and Node metrics, journeys_build_info = 1', async () => {
    const samples = await consumerMetrics().scrape();
    expect(samples.get(`journeys_build_info{version="9.9.9",node="${process.version}"}`)).toBe(1);
    expect(samples.get('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect([...samples.keys()].some((series) => series.startsWith('nodejs_eventloop_lag_seconds'))).toBe(true);
  });

  it('the build version defaults to package.json', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };
    const samples = samplesOf(await createMetricsRegistry().metrics());
    expect(samples.get(`journeys_build_info{version="${version}",node="${process.version}"}`)).toBe(1);
  });

  it('every counter is there at 0 before any event: per topic, per topic and step, per table, per rule and state', async () => {
    const samples = await consumerMetrics().scrape();
    const expected: Array<[string, number]> = [
      ['journeys_events_in_total{topic="site-events"}', 0],
      ['journeys_events_in_total{topic="crm-events"}', 0],
      ['journeys_rebalances_total', 0],
      ['journeys_store_write_retries_total{table="events"}', 0],
      ['journeys_store_write_retries_total{table="identity_links"}', 0],
      ['journeys_store_write_retries_total{table="dead_letters"}', 0],
      ['journeys_store_write_retries_total{table="sessions"}', 0],
      ['journeys_alert_changes_total{rule="checkout_drop",state="fired"}', 0],
      ['journeys_alert_changes_total{rule="checkout_drop",state="resolved"}', 0],
      ['journeys_batch_seconds_count', 0],
      ['journeys_checkpoint_seconds_count', 0],
      ['journeys_store_write_seconds_count{table="events"}', 0],
      ['journeys_store_write_seconds_count{table="stream_state"}', 0],
    ];
    for (const [series, value] of expected) expect([series, samples.get(series)]).toEqual([series, value]);
    const deadLetterSeries = [...samples].filter(([series]) => series.startsWith('journeys_dead_letters_total'));
    // 2 topics × 7 steps, all 0.
    expect(deadLetterSeries).toHaveLength(14);
    expect(deadLetterSeries.every(([, value]) => value === 0)).toBe(true);
    expect(samples.get('journeys_dead_letters_total{topic="crm-events",step="validate-crm"}')).toBe(0);
  });

  it('dead letters are counted per step, a step not listed too', async () => {
    const { metrics, scrape } = consumerMetrics();
    metrics.deadLettered('site-events', [letter('decode-json'), letter('normalize-segment'), letter('decode-json'), letter('some-new-step')]);
    metrics.deadLettered('site-events', [letter('decode-json')]);
    const samples = await scrape();
    expect(samples.get('journeys_dead_letters_total{topic="site-events",step="decode-json"}')).toBe(3);
    expect(samples.get('journeys_dead_letters_total{topic="site-events",step="normalize-segment"}')).toBe(1);
    expect(samples.get('journeys_dead_letters_total{topic="site-events",step="some-new-step"}')).toBe(1);
    expect(samples.get('journeys_dead_letters_total{topic="site-events",step="validate-segment"}')).toBe(0);
    expect(samples.get('journeys_dead_letters_total{topic="crm-events",step="decode-json"}')).toBe(0);
  });

  it('batch times are a histogram: cumulative buckets, sum and count', async () => {
    const { metrics, scrape } = consumerMetrics();
    for (const seconds of [0.03, 0.2, 7]) metrics.batchSeconds.observe(seconds);
    const samples = await scrape();
    // 0.03 → le 0.05; 0.2 → le 0.25; 7 → le 10. Buckets count everything at or below their bound.
    const buckets: Array<[string, number]> = [
      ['0.025', 0],
      ['0.05', 1],
      ['0.1', 1],
      ['0.25', 2],
      ['5', 2],
      ['10', 3],
      ['300', 3],
      ['+Inf', 3],
    ];
    for (const [le, count] of buckets) expect([le, samples.get(`journeys_batch_seconds_bucket{le="${le}"}`)]).toEqual([le, count]);
    expect(samples.get('journeys_batch_seconds_sum')).toBeCloseTo(7.23, 10);
    expect(samples.get('journeys_batch_seconds_count')).toBe(3);
    // No summary without quantiles any more.
    expect(await metrics.batchSeconds.get()).toMatchObject({ type: 'histogram' });
  });

  it('a partition that moved away loses its gauges; the other keeps them', async () => {
    const { metrics, scrape } = consumerMetrics();
    for (const partition of [0, 1]) {
      metrics.consumerLag.set({ topic: 'site-events', partition }, 10 + partition);
      metrics.openSessions.set({ partition }, 5);
      metrics.lastCheckpoint.set({ partition }, 1_796_000_000);
    }
    metrics.forgetPartition(0, ['site-events', 'crm-events']);
    const samples = await scrape();
    expect(samples.has('journeys_consumer_lag{topic="site-events",partition="0"}')).toBe(false);
    expect(samples.has('journeys_open_sessions{partition="0"}')).toBe(false);
    expect(samples.has('journeys_last_checkpoint_timestamp_seconds{partition="0"}')).toBe(false);
    expect(samples.get('journeys_consumer_lag{topic="site-events",partition="1"}')).toBe(11);
    expect(samples.get('journeys_last_checkpoint_timestamp_seconds{partition="1"}')).toBe(1_796_000_000);
  });
});

describe('the dead-letter steps listed are the steps records are rejected at', () => {
  const definition = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
  const pipeline = compilePipeline({ ...definition, csv: undefined });
  const ctx = { limits: DEFAULT_LIMITS, identity: definition.identity, emailSalt: undefined, receivedAtMs: Date.parse('2026-11-02T12:00:00Z') };
  const origin = { kind: 'generator', line: 1 } as const;
  const json = (value: unknown): RawRecord => ({ raw: JSON.stringify(value), origin });
  const cases: Array<[string, RawRecord]> = [
    ['read', { raw: '', origin, error: 'empty message (null value)' }],
    ['decode-json', { raw: 'not json at all', origin }],
    ['decode-csv', { raw: 'a,b', origin, fields: { a: '1' } }],
    ['validate-segment', json({ type: 'nonsense', anonymousId: 'a1', timestamp: '2026-11-02T10:00:00Z' })],
    ['validate-crm', json({ source: 'crm', id: 'c', kind: 'tweet', occurredAt: '2026-11-02T10:00:00Z', contactId: 'c1' })],
    // Three days ahead of its receipt: more than the allowed clock skew.
    ['normalize-segment', json({ type: 'track', event: 'Product Viewed', anonymousId: 'a1', timestamp: '2026-11-05T10:00:00Z' })],
    ['normalize-crm', json({ source: 'crm', id: 'c', kind: 'activity', occurredAt: '2026-11-05T10:00:00Z', contactId: 'c1', activity: { channel: 'call', direction: 'inbound' } })],
  ];

  it('lists each step once, and a case for each', () => {
    expect(cases.map(([step]) => step)).toEqual([...DEAD_LETTER_STEPS]);
  });

  it.each(cases)('%s', (step, record) => {
    expect(pipeline.decode(record, { ...ctx })).toMatchObject({ kind: 'dead', step });
  });
});
