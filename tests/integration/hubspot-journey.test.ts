import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { entered, journeySummaries } from '../helpers/person-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { hubspotEventsToCrm } from '../../src/sources/hubspot/to-crm.js';
import { hubspotMappingOf } from '../../src/sources/hubspot/mapping.js';
import type { Store } from '../../src/stores/store.js';

/**
 * HubSpot webhooks end to end on the embedded store (docs/events.md,
 * "HubSpot webhooks"): the fixtures' bodies mapped to envelopes, ingested
 * as the collector's envelopes would be, and the b2b-saas person journeys
 * read back. The association arrives last, in a run of its own, after every
 * one of the deal's stage changes.
 *
 * Stages of b2b-saas: visit 1, signup 2, mql 3, sql 4, opportunity 5,
 * proposal 6, closed-won 7, onboarding 8, renewal 9. Day 0 = 2026-10-01.
 */
const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const CONTACT = 'c:65059681032';
const DEAL = 'a:hubspot-deal:18920476511';

const { definition } = loadDefinition('b2b-saas', { pipelinesDir: 'pipelines' });
const pipeline = compilePipeline(definition);
const mapping = hubspotMappingOf(definition);
/** A fixture's body as envelope lines; every notification must map. */
function envelopeLines(name: string, change: (n: Record<string, unknown>) => Record<string, unknown> = (n) => n): string[] {
  const body = (JSON.parse(readFileSync(`tests/fixtures/hubspot/${name}`, 'utf8')) as Array<Record<string, unknown>>).map(change);
  const batch = hubspotEventsToCrm(body, mapping, { receivedAtMs: T0 + 11 * DAY });
  expect(batch.rejected).toEqual([]);
  expect(batch.unmapped).toEqual([]);
  return batch.events.map((e) => JSON.stringify(e));
}

describe('a HubSpot contact and deal as one b2b-saas person (embedded store)', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ store, cleanup } = await openTestStore());
  }, 120_000);
  afterAll(async () => cleanup());

  it('before the association: the contact and the deal are two people', async () => {
    const summary = await ingestFiles(store, pipeline, [
      writeTemp('contact.ndjson', envelopeLines('contact-lifecycle.json')),
      writeTemp('deal.ndjson', envelopeLines('deal-custom-pipeline.json')),
    ]);
    expect(summary.dead_lettered).toBe(0);
    // Contact: lead (signup) day 0 10:01, MQL day 1, SQL day 2: 3 staged events, furthest sql (4).
    // Deal (its own person until linked): qualification (opportunity) day 3 10:02, proposal day 5,
    // signed (closed-won, 7) day 8: 3 staged events, converted. Creation, pipeline and amount have no stage.
    expect(await journeySummaries(store, pipeline.name)).toEqual([
      { key: DEAL, start: T0 + 3 * DAY + 2 * MIN, events: 3, level: 7, converted: 1 },
      { key: CONTACT, start: T0 + MIN, events: 3, level: 4, converted: 0 },
    ]);
  }, 300_000);

  it('the association on day 10, delivered twice: one person, lead → MQL → SQL → opportunity → proposal → closed-won', async () => {
    const retried = (n: Record<string, unknown>) => ({ ...n, attemptNumber: 1 });
    const summary = await ingestFiles(store, pipeline, [
      writeTemp('association.ndjson', [...envelopeLines('deal-association.json'), ...envelopeLines('deal-association.json', retried)]),
    ]);
    expect(summary.dead_lettered).toBe(0);
    expect(summary.duplicates).toBe(1);
    // The link deal–contact (day 10) reaches back over the deal's events (days 3–8, within the
    // 30-day lookback): every event is the contact's. One journey from the lead at day 0 10:01,
    // staged events signup, mql, sql, opportunity, proposal, closed-won = 6; furthest closed-won (7), converted.
    expect(await journeySummaries(store, pipeline.name)).toEqual([{ key: CONTACT, start: T0 + MIN, events: 6, level: 7, converted: 1 }]);
    // Reached mode: visit is entered by progress (no page view: entered and skipped); onboarding and renewal are not reached.
    expect(await entered(store, pipeline)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0]);
  }, 300_000);
});
