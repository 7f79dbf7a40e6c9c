import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createMetricsRegistry } from '../../src/observability/metrics.js';
import { startMetricsServer } from '../../src/observability/metrics-server.js';
import { ConsumerMetrics } from '../../src/sources/kafka/consumer-metrics.js';
import { promtoolCheck, samplesOf } from '../helpers/exposition.js';

/** A consumer's registry with a value in every metric kind, served on a free loopback port. */
describe('/metrics and /healthz over HTTP', () => {
  let server: Server;
  let base: string;
  let healthy = true;

  beforeAll(async () => {
    const registry = createMetricsRegistry({ version: '1.2.3' });
    const metrics = new ConsumerMetrics({ registry, topics: ['site-events'], alertRules: ['checkout_drop'] });
    metrics.recordsRead.inc({ topic: 'site-events' }, 250);
    metrics.deadLettered('site-events', [{ raw: '{', origin: { kind: 'kafka', topic: 'site-events', partition: 0, offset: '7' }, step: 'decode-json', reason: 'not JSON', issues: [], receivedAtMs: 0 }]);
    metrics.batchSeconds.observe(0.12);
    metrics.checkpointSeconds.observe(0.8);
    metrics.storeWriteSeconds.observe({ table: 'events' }, 0.04);
    metrics.consumerLag.set({ topic: 'site-events', partition: 0 }, 42);
    metrics.openSessions.set({ partition: 0 }, 17);
    metrics.lastCheckpoint.set({ partition: 0 }, 1_796_000_000.5);
    server = await startMetricsServer({ port: 0, registry, healthy: () => ({ ok: healthy, detail: 'partitions 0' }) });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /metrics with prom-client content type, also with a query string', async () => {
    for (const path of ['/metrics', '/metrics?foo=1', '/metrics?name[]=journeys_consumer_lag']) {
      const response = await fetch(`${base}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const samples = samplesOf(await response.text());
      expect(samples.get('journeys_events_in_total{topic="site-events"}')).toBe(250);
      expect(samples.get('journeys_consumer_lag{topic="site-events",partition="0"}')).toBe(42);
    }
  });

  it('a real scrape passes promtool check metrics with no problem', async () => {
    const text = await (await fetch(`${base}/metrics?foo=1`)).text();
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
  });

  it('promtool does find problems: a gauge named like a counter fails', () => {
    const result = promtoolCheck('# HELP queue_items_total Items waiting\n# TYPE queue_items_total gauge\nqueue_items_total 3\n');
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/queue_items_total non-counter metrics should not have "_total" suffix/);
  });

  it('/healthz is as before: 200 ok or 503 unhealthy with the detail; other paths 404', async () => {
    const ok = await fetch(`${base}/healthz`);
    expect([ok.status, await ok.text()]).toEqual([200, 'ok: partitions 0\n']);
    healthy = false;
    const down = await fetch(`${base}/healthz`);
    expect([down.status, await down.text()]).toEqual([503, 'unhealthy: partitions 0\n']);
    healthy = true;
    const other = await fetch(`${base}/metricsx`);
    expect(other.status).toBe(404);
  });
});
