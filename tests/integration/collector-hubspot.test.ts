import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { startCollector, type RunningCollector } from '../helpers/collector.js';
import { signatureV3Of } from '../../src/sources/hubspot/signature.js';

/**
 * HubSpot webhooks through `journeys collect` into the embedded store
 * (docs/collector.md, "HubSpot webhooks"): the story of
 * tests/fixtures/hubspot (a contact lead → MQL → SQL, a deal through the
 * custom Enterprise pipeline, the association last), signed as HubSpot
 * signs, posted to /hubspot. Stages of b2b-saas: visit 1, signup 2, mql 3,
 * sql 4, opportunity 5, proposal 6, closed-won 7, onboarding 8, renewal 9.
 */
const SECRET = 'hubspot-client-secret-for-tests';
const PUBLIC_URL = 'https://collector.example.com/hubspot';
const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const MIN = 60_000;

function signedPost(url: string, body: string, options: { signedUrl?: string; secret?: string; timestampMs?: number } = {}): Promise<Response> {
  const timestamp = String(options.timestampMs ?? Date.now());
  const signature = signatureV3Of({ method: 'POST', uri: options.signedUrl ?? PUBLIC_URL, body, clientSecret: options.secret ?? SECRET, timestamp });
  return fetch(`${url}/hubspot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    body,
  });
}

const fixture = (name: string) => readFileSync(`tests/fixtures/hubspot/${name}`, 'utf8');

describe('HubSpot webhooks through journeys collect', () => {
  const store = tempStore();
  let collector: RunningCollector;
  beforeAll(async () => {
    collector = await startCollector(['--pipeline', 'b2b-saas', '--store', store, '--hubspot-secret', SECRET, '--hubspot-url', PUBLIC_URL]);
  }, 120_000);
  afterAll(async () => {
    if (collector.child.exitCode === null) await collector.stop();
  });

  it('a wrong secret, a stale timestamp or another URL is 401 and stores nothing', async () => {
    const body = fixture('contact-lifecycle.json');
    const wrongSecret = await signedPost(collector.url, body, { secret: 'another-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ success: false, message: 'HubSpot signature check failed: signature does not match' });
    expect((await signedPost(collector.url, body, { timestampMs: Date.now() - 6 * MIN })).status).toBe(401);
    expect((await signedPost(collector.url, body, { signedUrl: `${collector.url}/hubspot` })).status).toBe(401);
    const unsigned = await fetch(`${collector.url}/hubspot`, { method: 'POST', body });
    expect(unsigned.status).toBe(401);
  });

  it('the contact, the deal, then the association (delivered twice): 200 each, every notification accepted', async () => {
    for (const name of ['contact-lifecycle.json', 'deal-custom-pipeline.json', 'deal-association.json']) {
      const answer = await signedPost(collector.url, fixture(name));
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ success: true, rejected: [] });
    }
    // HubSpot's retry: the same notification with attemptNumber 1 has the same envelope id.
    const retried = JSON.stringify((JSON.parse(fixture('deal-association.json')) as Array<Record<string, unknown>>).map((n) => ({ ...n, attemptNumber: 1 })));
    expect((await signedPost(collector.url, retried)).status).toBe(200);
  });

  it('a body that is not a notification array is dead-lettered and still 200 (a retry would fail the same way)', async () => {
    const answer = await signedPost(collector.url, JSON.stringify({ not: 'an array' }));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ success: true, accepted: 0, rejected: [{ index: 0, step: 'read' }] });
  });

  it('after the stop: one person, lead → MQL → SQL → opportunity → proposal → closed-won', async () => {
    expect(await collector.stop()).toBe(0);
    const rows = journeys([
      'sql',
      "SELECT key, toUnixTimestamp64Milli(start) AS start, event_count AS events, funnel_levels[indexOf(funnel_modes, 'reached')] AS level, converted FROM journeys FINAL WHERE is_deleted = 0 ORDER BY key, start",
      '--store', store, '--format', 'json',
    ]);
    expect(rows.status).toBe(0);
    // As in hubspot-journey.test.ts: signup (lead) day 0 10:01, mql, sql, opportunity, proposal, closed-won = 6 staged events.
    expect((JSON.parse(rows.stdout) as Array<Record<string, unknown>>).map((r) => ({ ...r, start: Number(r['start']) }))).toEqual([
      { key: 'c:65059681032', start: T0 + MIN, events: 6, level: 7, converted: 1 },
    ]);
    const funnel = JSON.parse(journeys(['funnel', '--pipeline', 'b2b-saas', '--level', 'person', '--json', '--store', store]).stdout) as { stages: Array<{ entered: number }> };
    expect(funnel.stages.map((s) => s.entered)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0]);
    const counts = JSON.parse(journeys(['sql', 'SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM dead_letters) AS letters', '--store', store, '--format', 'json']).stdout) as unknown[];
    // One event per notification of the three bodies (the retried association is a duplicate, the
    // refused posts stored nothing); the letter is the body that was no array.
    const notifications = ['contact-lifecycle.json', 'deal-custom-pipeline.json', 'deal-association.json'].reduce((n, name) => n + (JSON.parse(fixture(name)) as unknown[]).length, 0);
    expect(counts).toEqual([{ events: notifications, letters: 1 }]);
  });
});
