import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { post, startCollector, type RunningCollector } from '../helpers/collector.js';
import { promtoolCheck, samplesOf } from '../helpers/exposition.js';
import { generatedFile } from '../helpers/generated-input.js';
import { replayLines, sqlRows, withEventTimeOnly } from '../helpers/collector-replay.js';

/**
 * `journeys collect --store`: Segment-compatible calls straight into the
 * embedded store (docs/collector.md). Real process, real HTTP, real store.
 */
const KEY = 'wk-test-1';

describe('journeys collect --store: answers, dead letters and metrics', () => {
  const store = tempStore();
  let collector: RunningCollector;
  beforeAll(async () => {
    collector = await startCollector(['--pipeline', 'ecommerce', '--store', store, '--write-key', KEY, '--write-key', 'wk-other']);
  }, 120_000);
  afterAll(async () => {
    if (collector.child.exitCode === null) await collector.stop();
  });

  it('a browser preflight is answered for the page origin, and every answer carries it', async () => {
    const preflight = await fetch(`${collector.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, anonymousid' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type, anonymousid');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    const answer = await post(`${collector.url}/v1/page`, { anonymousId: 'cors-1', messageId: 'cors-m1', timestamp: '2026-11-02T10:00:00Z' }, { writeKey: KEY, headers: { origin: 'http://127.0.0.1:5173' } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  });

  it('a write key is needed: none or an unknown one is 401; Basic auth or the body field works; a second key too', async () => {
    const message = { anonymousId: 'k-1', messageId: 'k-m1', event: 'Product Viewed', timestamp: '2026-11-02T10:00:00Z' };
    expect((await post(`${collector.url}/v1/track`, message)).status).toBe(401);
    expect((await post(`${collector.url}/v1/track`, message, { writeKey: 'wk-test' })).status).toBe(401);
    expect(await post(`${collector.url}/v1/track`, message, { writeKey: KEY })).toMatchObject({ status: 200, body: { success: true } });
    // analytics.js: the key in a text/plain body (no preflight), on its one-letter path.
    const inBody = await post(`${collector.url}/v1/t`, { ...message, messageId: 'k-m2', writeKey: KEY }, { headers: { 'content-type': 'text/plain' } });
    expect(inBody).toMatchObject({ status: 200, body: { success: true } });
    expect((await post(`${collector.url}/v1/track`, { ...message, messageId: 'k-m3' }, { writeKey: 'wk-other' })).status).toBe(200);
  });

  it('a batch with an invalid event: 400 naming it, the others accepted', async () => {
    const answer = await post(
      `${collector.url}/v1/batch`,
      {
        batch: [
          { type: 'page', anonymousId: 'b-1', messageId: 'b-m1', timestamp: '2026-11-02T10:00:00Z' },
          { type: 'track', event: 'Product Viewed', messageId: 'b-m2', timestamp: '2026-11-02T10:00:01Z' },
          { type: 'track', event: 'Product Added', anonymousId: 'b-1', messageId: 'b-m3', timestamp: '2026-11-02T10:00:02Z' },
        ],
      },
      { writeKey: KEY },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, accepted: 2, rejected: [{ index: 1, step: 'validate-segment' }] });
    expect(String(answer.body['message'])).toMatch(/^1 of 3 events are invalid \(the others are accepted\) and kept as dead letters; first: /);
  });

  it('not JSON, too large, unknown paths and methods: clear answers', async () => {
    const notJson = await post(`${collector.url}/v1/track`, '{"event": "Order Compl', { writeKey: KEY, raw: true });
    expect(notJson).toMatchObject({ status: 400, body: { success: false, accepted: 0, rejected: [{ index: 0, step: 'decode-json' }] } });
    const big = await post(`${collector.url}/v1/track`, { anonymousId: 'x', event: 'X', properties: { blob: 'x'.repeat(40_000) } }, { writeKey: KEY });
    expect(big).toMatchObject({ status: 400, body: { success: false } });
    expect(String(big.body['message'])).toMatch(/over 32 KB/);
    expect((await post(`${collector.url}/v2/track`, {}, { writeKey: KEY })).status).toBe(404);
    expect((await fetch(`${collector.url}/v1/track`)).status).toBe(405);
  });

  it('/healthz and /metrics (promtool-clean, with query strings too)', async () => {
    const health = await fetch(`${collector.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toMatch(/^ok: store stream collector, \d+ events committed/);
    const metrics = await (await fetch(`${collector.url}/metrics?x=1`)).text();
    expect(promtoolCheck(metrics)).toEqual({ status: 0, output: '' });
    const samples = samplesOf(metrics);
    expect(samples.get('journeys_collector_requests_total{route="/v1/track",status="401"}')).toBe(2);
    expect(samples.get('journeys_collector_requests_total{route="/v1/batch",status="400"}')).toBe(1);
    expect(samples.get('journeys_collector_dead_letters_total{step="validate-segment"}')).toBe(1);
    expect(samples.get('journeys_collector_dead_letters_total{step="decode-json"}')).toBe(1);
    expect(samples.get('journeys_collector_refused_requests_total{reason="unauthorized"}')).toBe(2);
    expect(samples.get('journeys_collector_refused_requests_total{reason="too_large"}')).toBe(1);
    expect(samples.get('journeys_collector_refused_requests_total{reason="unavailable"}')).toBe(0);
    // The preflight and the batch.
    expect(samples.get('journeys_collector_request_seconds_count{route="/v1/batch"}')).toBe(2);
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(samples.get(`journeys_build_info{version="${version}",node="${process.version}"}`)).toBe(1);
  });

  it('after a clean stop: the accepted events and the dead letters, with the request they came in', async () => {
    expect(await collector.stop()).toBe(0);
    const events = sqlRows(store, 'SELECT event_id, key, stage FROM events ORDER BY event_id');
    expect(events.map((e) => e['event_id'])).toEqual(['b-m1', 'b-m3', 'cors-m1', 'k-m1', 'k-m2', 'k-m3']);
    const letters = sqlRows(store, 'SELECT origin_kind, origin, step, raw FROM dead_letters ORDER BY step');
    // The 40 KB call was refused before it was read (a 400 the client sees): it is no dead letter.
    expect(letters.map((l) => [l['origin_kind'], l['step']])).toEqual([
      ['http', 'decode-json'],
      ['http', 'validate-segment'],
    ]);
    const invalid = letters.find((l) => l['step'] === 'validate-segment')!;
    expect(String(invalid['origin'])).toMatch(/^http:\/v1\/batch@[0-9a-f-]{36}#1$/);
    expect(JSON.parse(String(invalid['raw']))).toMatchObject({ type: 'track', event: 'Product Viewed', messageId: 'b-m2' });
    expect(letters.find((l) => l['step'] === 'decode-json')!['raw']).toBe('{"event": "Order Compl');
  });
});

describe('journeys collect --store: the same funnel as journeys ingest of the same events', () => {
  it('generated traffic (with its duplicates, late and malformed records) posted in batches of 50, in order', async () => {
    const generated = await generatedFile('traffic.ndjson', [{ seed: 7, days: 2, visitorsPerDay: 100 }]);
    const lines = readFileSync(generated.path, 'utf8').split('\n').filter((line) => line.trim() !== '').map(withEventTimeOnly);
    const file = join(generated.path, '..', 'live.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const viaCollector = tempStore();
    const collector = await startCollector(['--pipeline', 'ecommerce', '--store', viaCollector, '--write-key', KEY]);
    const requests = await replayLines(collector.url, lines, { writeKey: KEY, batchSize: 50 });
    expect(await collector.stop()).toBe(0);
    expect([...new Set(requests.map((r) => r.status))].sort()).toEqual([200, 400]);

    const viaFile = tempStore();
    expect(journeys(['ingest', '--input', file, '--pipeline', 'ecommerce', '--store', viaFile]).status).toBe(0);
    for (const level of ['session', 'person']) {
      const funnelOf = (store: string) => journeys(['funnel', '--pipeline', 'ecommerce', '--level', level, '--json', '--store', store]).stdout;
      const expected = funnelOf(viaFile);
      expect(JSON.parse(expected)).toMatchObject({ stages: expect.arrayContaining([expect.objectContaining({ stage: 'purchase' })]) });
      expect(funnelOf(viaCollector)).toBe(expected);
    }
    const counts = (store: string) => sqlRows(store, 'SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM dead_letters) AS dead_letters')[0];
    expect(counts(viaCollector)).toEqual(counts(viaFile));
  }, 240_000);
});

describe('journeys collect --store: backpressure', () => {
  it('while a request holds the in-flight bytes, the next is 503 with Retry-After; then it is let in', async () => {
    const store = tempStore();
    // 0.002 MB ≈ 2 KB of requests in flight at most.
    const collector = await startCollector(['--pipeline', 'ecommerce', '--store', store, '--write-key', KEY, '--max-in-flight', '0.002']);
    try {
      const body = JSON.stringify({ batch: [{ type: 'page', anonymousId: 'bp-1', messageId: 'bp-m1', timestamp: '2026-11-02T10:00:00Z', properties: { pad: 'x'.repeat(1500) } }] });
      // A slow client: its headers (and so its reservation) are in, half of its body not yet.
      const slow = httpRequest(`${collector.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` } });
      const slowAnswer = new Promise<number>((done, fail) => {
        slow.once('response', (response) => {
          response.resume();
          done(response.statusCode ?? 0);
        });
        slow.once('error', fail);
      });
      slow.write(body.slice(0, 100));
      // The reservation is made when the collector sees the headers: give it a moment to.
      let refused: Awaited<ReturnType<typeof post>> | undefined;
      for (let attempt = 0; attempt < 50 && refused?.status !== 503; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        // ~1.2 KB: with the slow one's ~1.6 KB, over the 2 KB bound.
        // (Let in — 200 — only if it came before the slow one's headers were seen: then try again.)
        refused = await post(`${collector.url}/v1/page`, { anonymousId: 'bp-2', messageId: `bp-try-${attempt}`, timestamp: '2026-11-02T10:00:01Z', properties: { pad: 'y'.repeat(1200) } }, { writeKey: KEY });
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get('retry-after')).toBe('5');
      expect(String(refused?.body['message'])).toMatch(/^the collector is full .*; nothing of this request was acknowledged, send it again$/);
      slow.end(body.slice(100));
      expect(await slowAnswer).toBe(200);
      expect((await post(`${collector.url}/v1/page`, { anonymousId: 'bp-2', messageId: 'bp-m2', timestamp: '2026-11-02T10:00:01Z', properties: { pad: 'y'.repeat(1200) } }, { writeKey: KEY })).status).toBe(200);
      const metrics = samplesOf(await (await fetch(`${collector.url}/metrics`)).text());
      expect(metrics.get('journeys_collector_refused_requests_total{reason="full"}')).toBeGreaterThanOrEqual(1);
    } finally {
      await collector.stop();
    }
  }, 120_000);
});

describe('journeys collect --store: upkeep under sustained load', () => {
  it('the rollups are rebuilt while requests keep coming (the upkeep runs between commits, the rebuild beside them)', async () => {
    const store = tempStore();
    const collector = await startCollector(['--pipeline', 'ecommerce', '--store', store, '--write-key', KEY, '--refresh-every', '1s']);
    try {
      const startMs = Date.now() - 3_600_000;
      let sent = 0;
      let stop = false;
      let healthWhileLoaded = '';
      // Four clients never let the commit loop fall idle for long.
      const client = async (c: number) => {
        while (!stop) {
          const batch = Array.from({ length: 20 }, (_, i) => ({ type: 'track', event: 'Product Viewed', anonymousId: `load-${c}-${i % 5}`, messageId: `load-${c}-${sent}-${i}`, timestamp: new Date(startMs + sent * 10 + i).toISOString() }));
          sent++;
          expect((await post(`${collector.url}/v1/batch`, { batch }, { writeKey: KEY })).status).toBe(200);
        }
      };
      const clients = [0, 1, 2, 3].map(client);
      for (let waited = 0; waited < 60_000 && !/rollups rebuilt/.test(healthWhileLoaded); waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        healthWhileLoaded = await (await fetch(`${collector.url}/healthz`)).text();
      }
      stop = true;
      await Promise.all(clients);
      expect(healthWhileLoaded).toMatch(/, rollups rebuilt \d+ times, last at \d{4}-/);
    } finally {
      expect(await collector.stop()).toBe(0);
    }
  }, 180_000);
});

describe('journeys collect --store --serve-map: the map of the store it writes, from the same process', () => {
  it('events posted show in the served map once the upkeep rebuilt the rollups', async () => {
    const store = tempStore();
    const collector = await startCollector(['--pipeline', 'ecommerce', '--store', store, '--write-key', KEY, '--refresh-every', '1s', '--serve-map', '0']);
    try {
      for (let waited = 0; !/Serving the journey map at/.test(collector.stdout()) && waited < 30_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
      const mapUrl = /Serving the journey map at (http:\/\/\S+?)\/?$/m.exec(collector.stdout())![1]!;
      const at = (minutes: number) => new Date(Date.now() - 3_600_000 + minutes * 60_000).toISOString();
      const batch = [
        { type: 'page', name: 'Home', anonymousId: 'map-1', messageId: 'map-m1', timestamp: at(0), context: { page: { path: '/' } } },
        { type: 'track', event: 'Product Viewed', anonymousId: 'map-1', messageId: 'map-m2', timestamp: at(1) },
      ];
      expect((await post(`${collector.url}/v1/batch`, { batch }, { writeKey: KEY })).status).toBe(200);
      let map: { stages?: Array<{ stage?: string; funnel?: { entered?: number } }> } = {};
      for (let waited = 0; waited < 60_000; waited += 500) {
        map = (await (await fetch(`${mapUrl}/api/map`)).json()) as typeof map;
        if ((map.stages?.[0]?.funnel?.entered ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // One session: the page is awareness, entered once.
      expect(map.stages?.[0]).toMatchObject({ stage: 'awareness', funnel: { entered: 1 } });
      const page = await fetch(`${mapUrl}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      expect(await collector.stop()).toBe(0);
    }
  }, 180_000);
});
