/**
 * The journey map in a real Chromium: the file `journeys map --out` writes
 * and the page `journeys serve` serves. Figures in the DOM equal the CLI's
 * JSON; nothing loads from anywhere but the file or 127.0.0.1; text from
 * events that looks like markup (<script>, </svg>, javascript:, onerror)
 * shows as text and never runs. Screenshots at 1280×800 and 390×844 are
 * saved to test-artifacts/screenshots/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { at, page, track } from '../helpers/segment.js';
import { openBrowser, openPage, saveScreenshot, stageFigures, VIEWPORTS } from '../helpers/browser.js';

const XSS = {
  path: '/<script>window.__xss=1</script>',
  event: '"><img src=x onerror="window.__xss=2">',
  segment: '</svg><script>window.__xss=3</script>',
  comment: '<script>window.__xss=4</script> javascript:alert(1)',
  link: 'javascript:window.__xss=5',
};

function events(): string[] {
  const lines: string[] = [];
  for (let v = 0; v < 60; v++) {
    const anonymousId = `v${v}`;
    const context = { traits: { segment: v % 3 === 0 ? XSS.segment : v % 3 === 1 ? 'returning' : 'new' } };
    const t = v * 7;
    lines.push(page('/', { anonymousId, at: at(t), context }));
    if (v % 2 === 0) lines.push(page(XSS.path, { anonymousId, at: at(t + 1), context }));
    if (v % 3 !== 2) lines.push(track('Product Viewed', { anonymousId, at: at(t + 2), context }));
    if (v % 4 === 0) lines.push(track(XSS.event, { anonymousId, at: at(t + 2.5), context }));
    if (v % 3 === 0) lines.push(page(XSS.link, { anonymousId, at: at(t + 2.7), context }));
    if (v % 5 < 2) lines.push(track('Product Added', { anonymousId, at: at(t + 3), context }));
    if (v % 5 === 0) lines.push(track('Checkout Started', { anonymousId, at: at(t + 4), context }));
    if (v % 10 === 0) lines.push(track('Order Completed', { anonymousId, at: at(t + 5), context }));
    if (v % 6 === 0) {
      lines.push(
        JSON.stringify({
          source: 'crm',
          id: `crm-s${v}`,
          kind: 'survey_answered',
          occurredAt: new Date(at(t + 6)).toISOString(),
          contactId: `c${v}`,
          anonymousId,
          survey: { type: 'csat', score: 1 + (v % 5), comment: XSS.comment, stage: 'checkout' },
        }),
      );
    }
  }
  return lines;
}

/** The second half of the events' day (the visits start 10:00–16:53 UTC), against the 4 hours before. */
const PERIOD = { from: '2026-11-02T13:00:00Z', to: '2026-11-02T17:00:00Z' };

let browser: Browser;
let store: string;
let dir: string;
let mapFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'journeys-map-page-'));
  store = tempStore();
  const input = join(dir, 'events.ndjson');
  writeFileSync(input, `${events().join('\n')}\n`);
  const ingest = journeys(['ingest', '--pipeline', 'ecommerce', '--input', input, '--store', store]);
  expect(ingest.status, ingest.stderr).toBe(0);
  mapFile = join(dir, 'map.html');
  const map = journeys(['map', '--pipeline', 'ecommerce', '--store', store, '--out', mapFile]);
  expect(map.status, map.stderr).toBe(0);
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
});

function mapJson(): { stages: Array<{ index: number; emotions: { csat: { mean: number } | null } }> } {
  const run = journeys(['map', '--pipeline', 'ecommerce', '--store', store, '--json']);
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

function funnelJson(extra: string[] = []): { stages: Array<{ entered: number; conversion_to_next: number | null; dropped: number | null; median_time_in_stage_ms: number | null }> } {
  const result = journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json', ...extra]);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('the map file in Chromium', () => {
  for (const viewport of VIEWPORTS) {
    it(`shows the CLI's figures, loads nothing and runs no payload at ${viewport.width}×${viewport.height}`, async () => {
      const url = `file://${resolve(mapFile)}`;
      const { page: tab, requests, errors } = await openPage(browser, url, viewport);
      const funnel = funnelJson();
      const entered = await stageFigures(tab, '[data-grid="map"]', 'entered');
      expect(entered).toEqual(Object.fromEntries(funnel.stages.map((s, i) => [String(i + 1), String(s.entered)])));
      const conversion = await stageFigures(tab, '[data-grid="map"]', 'conversion_to_next');
      for (const [i, s] of funnel.stages.entries()) {
        if (i < funnel.stages.length - 1) expect(conversion[String(i + 1)]).toBe(s.conversion_to_next === null ? 'null' : String(s.conversion_to_next));
      }
      // Time in stage is funnel's; emotions and tickets are map --json's (the same object the page was made from).
      const inStage = await stageFigures(tab, '[data-grid="map"]', 'median_time_in_stage_ms');
      expect(inStage).toEqual(Object.fromEntries(funnel.stages.map((s, i) => [String(i + 1), String(s.median_time_in_stage_ms)])));
      const json = mapJson();
      const csat = await stageFigures(tab, '[data-grid="map"]', 'csat_mean');
      expect(csat).toEqual(Object.fromEntries(json.stages.map((s) => [String(s.index), s.emotions.csat === null ? 'null' : String(s.emotions.csat.mean)])));
      expect(Object.values(csat).filter((v) => v !== 'null').length).toBeGreaterThan(0);
      // Personas: the tab strip switches panels; every tab's funnel equals funnel --segment.
      const tabs = tab.locator('[data-tab]');
      expect(await tabs.count()).toBeGreaterThanOrEqual(3);
      for (let i = 0; i < (await tabs.count()); i++) {
        await tabs.nth(i).click();
        const id = await tabs.nth(i).getAttribute('data-tab');
        const panel = tab.locator(`#${id}`);
        expect(await panel.isVisible()).toBe(true);
        const value = await panel.getAttribute('data-persona');
        const persona = funnelJson(['--segment', value!]);
        expect(await stageFigures(tab, `#${id}`, 'entered')).toEqual(Object.fromEntries(persona.stages.map((s, k) => [String(k + 1), String(s.entered)])));
      }
      await tabs.first().click();
      // Nothing ran; the payloads are on the page as text.
      expect(await tab.evaluate('window.__xss')).toBeUndefined();
      const text = (await tab.textContent('body')) ?? '';
      expect(text).toContain(XSS.segment);
      expect(text).toContain(XSS.comment);
      expect(text).toContain('Product Viewed');
      expect(await tab.locator('script').count()).toBe(1);
      expect(await tab.locator('img, a[href^="javascript"], iframe, object').count()).toBe(0);
      expect(requests).toEqual([url]);
      expect(errors).toEqual([]);
      await saveScreenshot(tab, 'map-file');
      await tab.close();
    });
  }
});

describe('the served map', () => {
  let server: ChildProcess;
  let base: string;
  const cli: Record<string, Record<string, string>> = {};
  const byStage = (f: ReturnType<typeof funnelJson>) => Object.fromEntries(f.stages.map((s, i) => [String(i + 1), String(s.entered)]));

  beforeAll(async () => {
    // The CLI's figures first: serve holds the embedded store's lock while it runs.
    cli['session'] = byStage(funnelJson());
    cli['person'] = byStage(funnelJson(['--level', 'person']));
    cli['returning'] = byStage(funnelJson(['--level', 'person', '--segment', 'returning']));
    cli['period'] = byStage(funnelJson(['--from', PERIOD.from, '--to', PERIOD.to]));
    const compared = journeys(['map', '--pipeline', 'ecommerce', '--store', store, '--json', '--from', PERIOD.from, '--to', PERIOD.to, '--compare', 'previous']);
    expect(compared.status, compared.stderr).toBe(0);
    const comparison = (JSON.parse(compared.stdout) as { comparison: { stages: Array<{ a_at: number; b_at: number; verdict: string }> } }).comparison;
    cli['compare_a'] = Object.fromEntries(comparison.stages.map((s, i) => [String(i + 1), String(s.a_at)]));
    cli['compare_b'] = Object.fromEntries(comparison.stages.map((s, i) => [String(i + 1), String(s.b_at)]));
    cli['compare_verdict'] = Object.fromEntries(comparison.stages.map((s, i) => [String(i + 1), s.verdict]));
    server = spawn(process.execPath, [resolve('bin/journeys.js'), 'serve', '--pipeline', 'ecommerce', '--store', store, '--port', '0', '--refresh', '2'], {
      env: { ...process.env, JOURNEYS_STORE: '' },
    });
    base = await new Promise<string>((done, fail) => {
      let out = '';
      server.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) done(match[1]!);
      });
      server.on('exit', (code) => fail(new Error(`serve exited ${code}: ${out}`)));
    });
  });

  afterAll(() => {
    server?.kill('SIGTERM');
  });

  it('shows the CLI figures, switches level, segment, period and comparison in the page, and talks only to 127.0.0.1', async () => {
    const { page: tab, requests, errors } = await openPage(browser, base, VIEWPORTS[0]);
    expect(await stageFigures(tab, '[data-grid="map"]', 'entered')).toEqual(cli['session']);
    expect(Object.fromEntries(funnelJsonServed((await tab.evaluate(`fetch('/api/map').then((r) => r.json())`)) as ServedMap))).toEqual(cli['session']);
    await tab.selectOption('select[name="level"]', 'person');
    await Promise.all([tab.waitForURL(/level=person/), tab.click('button[type="submit"]')]);
    const person = (await tab.evaluate('fetch(`/api/map${location.search}`).then((r) => r.json())')) as ServedMap & { level: string };
    expect(person.level).toBe('person');
    expect(await stageFigures(tab, '[data-grid="map"]', 'entered')).toEqual(cli['person']);
    expect(Object.fromEntries(funnelJsonServed(person))).toEqual(cli['person']);
    await tab.selectOption('select[name="segment"]', 'returning');
    await Promise.all([tab.waitForURL(/segment=returning/), tab.click('button[type="submit"]')]);
    expect(await stageFigures(tab, '[data-grid="map"]', 'entered')).toEqual(cli['returning']);
    // The period and a comparison with the period before, chosen in the form.
    await tab.goto(base);
    await tab.fill('input[name="from"]', PERIOD.from);
    await tab.fill('input[name="to"]', PERIOD.to);
    await tab.selectOption('select[name="compare"]', 'previous');
    await Promise.all([tab.waitForURL(/compare=previous/), tab.click('button[type="submit"]')]);
    expect(await stageFigures(tab, '[data-grid="map"]', 'entered')).toEqual(cli['period']);
    const compared = (name: string) =>
      tab.evaluate(`Object.fromEntries([...document.querySelectorAll('[data-comparison="previous"] tr[data-stage]')].map((row) => [row.getAttribute('data-stage'), row.querySelector('[data-figure="${name}"]').getAttribute('data-value')]))`);
    expect(await compared('a_at')).toEqual(cli['compare_a']);
    expect(await compared('b_at')).toEqual(cli['compare_b']);
    expect(await compared('verdict')).toEqual(cli['compare_verdict']);
    // A mistake in the query is a plain page, not a stack trace.
    const bad = await tab.goto(`${base}?from=yesterday`);
    expect(bad?.status()).toBe(400);
    expect(await tab.textContent('[data-field="error"]')).toMatch(/from/);
    expect(((await tab.content()).match(/at .*\.js:\d+/g) ?? []).length).toBe(0);
    await tab.goto(base);
    await tab.waitForTimeout(2500); // one poll of /api/map
    for (const url of requests) expect(url.startsWith(base)).toBe(true);
    expect(requests.some((url) => url.includes('/api/map'))).toBe(true);
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await saveScreenshot(tab, 'map-served');
    await tab.setViewportSize(VIEWPORTS[1]);
    await saveScreenshot(tab, 'map-served');
    await tab.close();
  });
});

interface ServedMap {
  stages: Array<{ index: number; funnel: { entered: number } }>;
}

function funnelJsonServed(map: ServedMap): Array<[string, string]> {
  return map.stages.map((s) => [String(s.index), String(s.funnel.entered)]);
}
