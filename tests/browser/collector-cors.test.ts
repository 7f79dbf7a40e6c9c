/**
 * Issue 15, done when: browser SDK calls from a site's page — another origin
 * than the collector's — reach the store through `journeys collect` with
 * CORS, and give the same funnel as a file ingest of the same events.
 *
 * A page served from its own 127.0.0.1 port runs in the headless Chromium
 * and sends, with fetch, what the two browser SDKs send:
 * - analytics.js (Segment's analytics-next): to /v1/p, /v1/t, /v1/i (the
 *   type's first letter; /v1/b when it batches), `Content-Type: text/plain`
 *   and the write key in the body, so no preflight; `timestamp` + `sentAt`.
 * - RudderStack's JavaScript SDK: Basic auth, `application/json;charset=UTF-8`
 *   and an `AnonymousId` header, so every call is preflighted;
 *   `originalTimestamp` + `sentAt`, `"userId": ""`, `"event": null` on pages.
 * One visitor's device clock is two hours fast: the collector's
 * receivedAt − (sentAt − originalTimestamp) puts its events at the real time.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { openBrowser, openPage, SCREENSHOTS, VIEWPORTS } from '../helpers/browser.js';

const WRITE_KEY = 'wk_browser_cors';

/** One call the page made: the SDK it imitates, the path, the messages it carried, the answer. */
interface SentCall {
  sdk: 'analytics.js' | 'RudderStack';
  path: string;
  status: number;
  answer: string;
  messages: Array<Record<string, unknown>>;
}

/**
 * The site's page. Its script builds the messages as each SDK does, with
 * the browser's clock, sends them one call at a time and lists every call
 * with its answer in a table (what the screenshot shows).
 */
function sitePage(config: { collector: string; writeKey: string }): string {
  const script = String.raw`
const { collector, writeKey } = ${JSON.stringify(config)};
const calls = [];
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const clock = (skewMs) => new Date(Date.now() + skewMs).toISOString();
function pageContext(path) {
  const url = 'https://shop.example' + path;
  return { path, url, referrer: '', search: '', title: 'Shop ' + path };
}
function ajs(type, fields, visitor) {
  const now = clock(visitor.skewMs);
  const path = fields.path ?? '/';
  delete fields.path;
  return { type, ...fields, messageId: 'ajs-next-' + crypto.randomUUID(), anonymousId: visitor.id, userId: null, timestamp: now, sentAt: now,
    integrations: {}, writeKey, _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
    context: { page: pageContext(path), userAgent: navigator.userAgent, locale: navigator.language, library: { name: 'analytics.js', version: 'npm:next-1.70.0' } } };
}
function rudder(type, fields, visitor) {
  const now = clock(0);
  const path = fields.path ?? '/';
  delete fields.path;
  return { channel: 'web', type, messageId: crypto.randomUUID(), originalTimestamp: now, sentAt: now, anonymousId: visitor.id, userId: '', event: null, ...fields,
    integrations: { All: true },
    context: { library: { name: 'RudderLabs JavaScript SDK', version: '3.11.0' }, app: { name: 'RudderLabs JavaScript SDK', namespace: 'com.rudderlabs.javascript', version: '3.11.0' },
      userAgent: navigator.userAgent, locale: navigator.language, traits: {}, campaign: {}, page: { ...pageContext(path), referrer: '$direct', initial_referrer: '$direct' } } };
}
async function send(sdk, path, body, options = {}) {
  const key = options.writeKey ?? writeKey;
  const headers = sdk === 'RudderStack'
    ? { 'Content-Type': 'application/json;charset=UTF-8', Authorization: 'Basic ' + btoa(key + ':'), AnonymousId: btoa(options.anonymousId) }
    : { 'Content-Type': 'text/plain' };
  if (sdk === 'analytics.js' && options.writeKey) body.writeKey = options.writeKey;
  const response = await fetch(collector + path, { method: 'POST', mode: 'cors', headers, body: JSON.stringify(body) });
  const call = { sdk, path, status: response.status, answer: await response.text(), messages: body.batch ?? [body] };
  calls.push(call);
  show(call, headers, body.writeKey);
  return call;
}
function show(call, headers, bodyKey) {
  const row = document.createElement('tr');
  // Each message with the device time it carries (ajs-b's clock is 2 hours fast).
  const what = call.messages.map((m) => m.type + (m.event ? ' ' + m.event : '') + ' (' + m.anonymousId + ') at ' + (m.timestamp ?? m.originalTimestamp).slice(11, 23)).join('\n');
  const sent = Object.entries(headers).map(([name, value]) => name + ': ' + value).concat(call.sdk === 'analytics.js' ? ['writeKey in the body: ' + bodyKey] : []);
  for (const text of [calls.length, call.sdk, ['POST ' + call.path, ...sent].join('\n'), what, call.status + ' ' + call.answer.trim()]) {
    const cell = document.createElement('td');
    cell.textContent = String(text);
    row.append(cell);
  }
  row.className = call.status === 200 ? 'ok' : 'refused';
  document.querySelector('tbody').append(row);
}
window.sendJourney = async () => {
  // analytics.js, one call per event: a whole order.
  const a = { id: 'ajs-a', skewMs: 0 };
  await send('analytics.js', '/v1/p', ajs('page', { name: 'Home', properties: { path: '/' } }, a));
  for (const event of ['Product Viewed', 'Product Added', 'Checkout Started']) await send('analytics.js', '/v1/t', ajs('track', { event, properties: { product_id: 'p1' }, path: '/p/1' }, a));
  await send('analytics.js', '/v1/i', ajs('identify', { userId: 'u-a', traits: { plan: 'free' } }, a));
  await send('analytics.js', '/v1/t', ajs('track', { event: 'Order Completed', properties: { order_id: 'o1', total: 30 }, path: '/checkout' }, a));
  // analytics.js batching, from a device whose clock is 2 hours fast: up to the cart.
  const b = { id: 'ajs-b', skewMs: 2 * 3600 * 1000 };
  const batch = [];
  for (const [type, fields] of [['page', { name: 'Home' }], ['track', { event: 'Product Viewed', path: '/p/2' }], ['track', { event: 'Product Added', path: '/p/2' }]]) {
    // As analytics-next batches: each message without its sentAt, the batch's sentAt the device's send time.
    const { sentAt: _sentAt, ...message } = ajs(type, { ...fields }, b);
    batch.push(message);
    await sleep(15);
  }
  await send('analytics.js', '/v1/b', { batch, sentAt: clock(b.skewMs), writeKey });
  // RudderStack: a page, then a batch of three events up to the checkout.
  const c = { id: 'rs-c' };
  await send('RudderStack', '/v1/page', rudder('page', { name: 'Home', properties: { path: '/' } }, c), { anonymousId: c.id });
  const events = [];
  for (const event of ['Product Viewed', 'Product Added', 'Checkout Started']) {
    events.push(rudder('track', { event, properties: { product_id: 'p3' }, path: '/p/3' }, c));
    await sleep(15);
  }
  const flushedAt = clock(0);
  await send('RudderStack', '/v1/batch', { batch: events.map((m) => ({ ...m, sentAt: flushedAt })), sentAt: flushedAt }, { anonymousId: c.id });
  // RudderStack: a page and a search.
  const d = { id: 'rs-d' };
  await send('RudderStack', '/v1/page', rudder('page', { name: 'Search', path: '/search' }, d), { anonymousId: d.id });
  await send('RudderStack', '/v1/track', rudder('track', { event: 'Products Searched', properties: { query: 'shoes' }, path: '/search' }, d), { anonymousId: d.id });
  // A wrong write key, in each SDK's way: refused.
  await send('analytics.js', '/v1/t', ajs('track', { event: 'Order Completed' }, { id: 'intruder-ajs', skewMs: 0 }), { writeKey: 'not-the-key' });
  await send('RudderStack', '/v1/track', rudder('track', { event: 'Order Completed' }, { id: 'intruder-rs' }), { writeKey: 'not-the-key', anonymousId: 'intruder-rs' });
  const ok = calls.filter((c) => c.status === 200).length;
  const refused = calls.filter((c) => c.status === 401).length;
  document.querySelector('[data-field="summary"]').textContent = calls.length + ' calls: ' + ok + ' answered 200, ' + refused + ' answered 401';
  return calls;
};`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Journeys collector: browser SDK calls with CORS</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 24px; color: #1b1f24; }
table { border-collapse: collapse; width: 100%; } td, th { border: 1px solid #c9ced6; padding: 4px 8px; text-align: left; vertical-align: top; white-space: pre-line; }
tr.ok td:last-child { color: #116329; font-weight: 600; } tr.refused td:last-child { color: #a40e26; font-weight: 600; }
</style></head><body>
<h1>A shop page sending events to the Journeys collector</h1>
<p>This page: <code id="origin"></code> · collector (another origin): <code>${config.collector}</code> · write key <code>${config.writeKey}</code></p>
<p>analytics.js calls: <code>text/plain</code>, write key in the body (no preflight). RudderStack calls: Basic auth, JSON, <code>AnonymousId</code> header (preflighted).</p>
<p data-field="summary">sending…</p>
<table><thead><tr><th>#</th><th>SDK</th><th>request · headers</th><th>messages (anonymousId) at device time, UTC</th><th>answer</th></tr></thead><tbody></tbody></table>
<script>document.getElementById('origin').textContent = location.origin;${script}</script>
</body></html>`;
}

let browser: Browser;
let site: Server;
let siteOrigin: string;
let collector: RunningCollector;
let collectorStore: string;
let fileStore: string;

beforeAll(async () => {
  collectorStore = tempStore();
  fileStore = tempStore();
  collector = await startCollector(['--store', collectorStore, '--pipeline', 'ecommerce', '--write-key', WRITE_KEY]);
  const html = sitePage({ collector: collector.url, writeKey: WRITE_KEY });
  site = createServer((request, response) => {
    if (request.url !== '/') {
      response.writeHead(request.url === '/favicon.ico' ? 204 : 404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
  siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((done) => site?.close(done));
  if (collector && collector.child.exitCode === null) await collector.kill();
});

interface StoredEvent {
  event_id: string;
  anonymous_id: string;
  type: string;
  name: string;
  stage: string;
  ts_ms: string;
}

function sql<T>(store: string, query: string): T[] {
  const run = journeys(['sql', query, '--format', 'json', '--store', store]);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T[];
}

function funnel(store: string, level: 'session' | 'person'): string {
  const run = journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--level', level, '--json']);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('browser SDK calls from another origin', () => {
  it('reach the store through journeys collect with CORS and give the funnel of a file ingest', async () => {
    expect(siteOrigin).not.toBe(collector.url);
    const before = Date.now();
    const { page, requests, errors } = await openPage(browser, `${siteOrigin}/`, VIEWPORTS[0]);
    // The browser's own preflights, as DevTools sees them.
    const preflights: Array<{ url: string; status: number; allowOrigin: string | undefined }> = [];
    const cdp = await page.context().newCDPSession(page);
    cdp.on('Network.responseReceived', (event) => {
      if (event.type !== 'Preflight') return;
      const allowOrigin = Object.entries(event.response.headers).find(([name]) => name.toLowerCase() === 'access-control-allow-origin')?.[1];
      preflights.push({ url: event.response.url, status: event.response.status, allowOrigin });
    });
    await cdp.send('Network.enable');
    const calls = (await page.evaluate('window.sendJourney()')) as SentCall[];
    const after = Date.now();

    // The page saw every answer: 200 for the right key, 401 for the wrong one (one per SDK shape).
    const statuses = calls.map((c) => `${c.sdk} ${c.path} ${c.status}`);
    expect(statuses, collector.stderr()).toEqual([
      'analytics.js /v1/p 200',
      'analytics.js /v1/t 200',
      'analytics.js /v1/t 200',
      'analytics.js /v1/t 200',
      'analytics.js /v1/i 200',
      'analytics.js /v1/t 200',
      'analytics.js /v1/b 200',
      'RudderStack /v1/page 200',
      'RudderStack /v1/batch 200',
      'RudderStack /v1/page 200',
      'RudderStack /v1/track 200',
      'analytics.js /v1/t 401',
      'RudderStack /v1/track 401',
    ]);
    for (const c of calls.filter((c) => c.status === 200)) expect(JSON.parse(c.answer)).toEqual({ success: true });
    expect(await page.textContent('[data-field="summary"]')).toBe('13 calls: 11 answered 200, 2 answered 401');
    expect(requests.every((url) => url.startsWith(`${siteOrigin}/`) || url.startsWith(`${collector.url}/`))).toBe(true);
    expect(errors).toEqual(Array(2).fill('Failed to load resource: the server responded with a status of 401 (Unauthorized)'));

    // Every RudderStack call was preflighted (its headers are not CORS-safelisted; Chromium then caches
    // the answer per URL), no analytics.js call (its own paths /v1/p, /v1/t, /v1/i, /v1/b) was.
    await expect.poll(() => preflights.map((p) => new URL(p.url).pathname).sort()).toEqual(['/v1/batch', '/v1/page', '/v1/track']);
    for (const p of preflights) expect([p.status, p.allowOrigin]).toEqual([204, siteOrigin]);
    const preflight = await fetch(`${collector.url}/v1/batch`, {
      method: 'OPTIONS',
      headers: { origin: siteOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'anonymousid,authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(siteOrigin);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('anonymousid');

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'collector-cors.png'), fullPage: true });
    await page.close();
    expect(await collector.stop()).toBe(0);

    // The events as the collector stored them: the two 401 calls' visitors are not there.
    const stored = sql<StoredEvent>(
      collectorStore,
      "SELECT event_id, anonymous_id, type, name, stage, toString(toUnixTimestamp64Milli(ts)) AS ts_ms FROM events FINAL WHERE pipeline = 'ecommerce' ORDER BY ts, event_id",
    );
    const accepted = calls.filter((c) => c.status === 200).flatMap((c) => c.messages);
    expect(stored.map((e) => e.event_id).sort()).toEqual(accepted.map((m) => m['messageId']).sort());
    expect(stored.filter((e) => e.anonymous_id.startsWith('intruder'))).toEqual([]);
    expect(sql<{ n: string }>(collectorStore, 'SELECT toString(count()) AS n FROM dead_letters')).toEqual([{ n: '0' }]);
    // Every event time is the real one: the fast clock's (+2 h) corrected with receivedAt and sentAt.
    for (const e of stored) {
      expect(Number(e.ts_ms)).toBeGreaterThanOrEqual(before);
      expect(Number(e.ts_ms)).toBeLessThanOrEqual(after);
    }

    // The same messages in a file, each with the event time the collector stored as its timestamp.
    const timeOf = new Map(stored.map((e) => [e.event_id, new Date(Number(e.ts_ms)).toISOString()]));
    const lines = accepted.map((message) => {
      const { writeKey: _key, sentAt: _sent, originalTimestamp: _original, ...rest } = message;
      return JSON.stringify({ ...rest, timestamp: timeOf.get(String(message['messageId'])) });
    });
    const input = join(mkdtempSync(join(tmpdir(), 'journeys-collector-cors-')), 'events.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const ingest = journeys(['ingest', '--input', input, '--pipeline', 'ecommerce', '--store', fileStore]);
    expect(ingest.status, ingest.stderr).toBe(0);

    for (const level of ['session', 'person'] as const) {
      const viaCollector = funnel(collectorStore, level);
      expect(viaCollector, level).toBe(funnel(fileStore, level));
      const stages = (JSON.parse(viaCollector) as { stages: Array<{ stage: string; entered: number; skipped: number }> }).stages;
      // One session (and person: ajs-a's identify links only its own ids) per visitor, furthest stage:
      // ajs-a purchase, ajs-b cart, rs-c checkout, rs-d interest (Products Searched). entered(k) =
      // visitors whose furthest stage is k or later; interest is skipped by the three without a search.
      expect(Object.fromEntries(stages.map((s) => [s.stage, s.entered])), level).toEqual({
        awareness: 4,
        interest: 4,
        consideration: 3,
        cart: 3,
        checkout: 2,
        purchase: 1,
        retention: 0,
        advocacy: 0,
      });
      expect(stages.find((s) => s.stage === 'interest')?.skipped, level).toBe(3);
    }
  });
});
