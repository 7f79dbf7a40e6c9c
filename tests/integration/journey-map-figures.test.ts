/**
 * The journey map's figures against hand-computed expectations
 * (docs/semantics.md, "The journey map"): the worked example at level
 * session, a B2B person's journey with CRM answers, a ticket and a
 * touchpoint-named survey, bounces, and that every figure the map shares
 * with the CLI's reports is theirs. Real embedded ClickHouse, no mocks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { abandonmentReport } from '../../src/metrics/abandonment-report.js';
import { readJourneyMap } from '../../src/map/read-journey-map.js';
import type { JourneyDefinition } from '../../src/journey/definition-schema.js';
import type { JourneyMap, StageColumn } from '../../src/map/journey-map.js';
import type { Store } from '../../src/stores/store.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const SHOP = `
name: map_shop
identity:
  site: [anonymousId, userId]
  crm: [anonymousId, contactId]
sessions: { inactivityGap: 30m, maxDuration: 24h, allowedLateness: 5m }
stages:
  - name: awareness
    match: [{ type: page }]
  - name: interest
    match: [{ event: Products Searched }]
  - name: cart
    match: [{ event: Product Added }]
  - name: checkout
    match: [{ event: Checkout Started }]
  - name: purchase
    match: [{ event: Order Completed }]
abandonment:
  - { name: checkout_abandonment, from: checkout, to: purchase, within: 1h }
`;

const B2B = `
name: map_b2b
identity:
  site: [anonymousId, userId]
  crm: [anonymousId, contactId]
stages:
  - name: visit
    match: [{ type: page }]
  - name: signup
    match: [{ event: Signed Up }]
  - name: lead
    match: [{ source: crm, event: lifecycle_stage_changed, where: { properties.to: { equals: lead } } }]
  - name: won
    match: [{ source: crm, event: deal_stage_changed, where: { properties.to: { equals: closed_won } } }]
funnel: { level: person, journeyWindow: 30d, conversionStage: won }
`;

/** A CRM envelope whose id is its kind, contact and time: the same call gives the same event (replays). */
function crm(kind: string, atMs: number, who: { contactId: string; anonymousId?: string }, detail: Record<string, unknown>): string {
  return JSON.stringify({ source: 'crm', id: `${kind}-${who.contactId}-${atMs}`, kind, occurredAt: new Date(atMs).toISOString(), ...who, ...detail });
}

/** docs/semantics.md's worked example, plus a bounce and an answer that names no stage. */
function shopEvents(): string[] {
  return [
    // S1 reaches checkout and leaves at /checkout/payment.
    page('/', { anonymousId: 's1', at: at(0), id: 's1-1' }),
    track('Products Searched', { anonymousId: 's1', at: at(1), id: 's1-2' }),
    track('Product Added', { anonymousId: 's1', at: at(4), id: 's1-3' }),
    page('/products/12', { anonymousId: 's1', at: at(5), id: 's1-4' }),
    track('Checkout Started', { anonymousId: 's1', at: at(6), id: 's1-5' }),
    page('/checkout/payment', { anonymousId: 's1', at: at(9), id: 's1-6' }),
    // S2 lands and orders at once: interest, cart and checkout skipped.
    page('/', { anonymousId: 's2', at: at(60), id: 's2-1' }),
    track('Order Completed', { anonymousId: 's2', at: at(62), id: 's2-2' }),
    // S3: one page, a bounce.
    page('/', { anonymousId: 's3', at: at(180), id: 's3-1' }),
    // A CSAT 2 naming checkout and an NPS 9 naming nothing: CRM sessions of their own.
    crm('survey_answered', at(120), { contactId: 'c9' }, { survey: { type: 'csat', score: 2, comment: 'Payment page kept reloading', stage: 'checkout' } }),
    crm('survey_answered', at(150), { contactId: 'c8' }, { survey: { type: 'nps', score: 9 } }),
  ];
}

/**
 * Person P1: /pricing, Signed Up, the CRM's lead a day later, a demo
 * meeting, a ticket, three answers (one naming /pricing, one naming signup,
 * one naming nothing) and the won deal on day 8. P2 bounces; P3 sees two pages.
 */
function b2bEvents(): string[] {
  const d0 = at(0);
  const p1 = { contactId: 'c1', anonymousId: 'p1' };
  return [
    page('/pricing', { anonymousId: 'p1', at: d0, id: 'p1-1' }),
    track('Signed Up', { anonymousId: 'p1', at: d0 + 5 * MIN, id: 'p1-2' }),
    crm('lifecycle_stage_changed', d0 + DAY - 60 * MIN, p1, { lifecycle: { to: 'lead' } }),
    crm('activity', d0 + 2 * DAY, p1, { activity: { channel: 'meeting', direction: 'outbound', subject: 'Demo' } }),
    crm('ticket_opened', d0 + 3 * DAY, p1, { ticket: { ticketId: 't1', subject: 'SSO setup', priority: 'normal' } }),
    crm('survey_answered', d0 + 4 * DAY, p1, { survey: { type: 'csat', score: 4, comment: 'Pricing page was clear', touchpoint: '/pricing' } }),
    crm('survey_answered', d0 + 5 * DAY, p1, { survey: { type: 'nps', score: 10, stage: 'signup' } }),
    crm('survey_answered', d0 + 6 * DAY, p1, { survey: { type: 'nps', score: 3, comment: 'Too slow to reply' } }),
    crm('deal_stage_changed', d0 + 8 * DAY, p1, { deal: { dealId: 'd1', pipeline: 'new_business', from: 'negotiation', to: 'closed_won', amount: 1200, currency: 'EUR' } }),
    page('/', { anonymousId: 'p2', at: d0 + 120 * MIN, id: 'p2-1' }),
    page('/', { anonymousId: 'p3', at: d0 + 180 * MIN, id: 'p3-1' }),
    page('/features', { anonymousId: 'p3', at: d0 + 182 * MIN, id: 'p3-2' }),
  ];
}

let store: Store;
let cleanup: () => Promise<void>;
let shop: JourneyDefinition;
let b2b: JourneyDefinition;
let shopMap: JourneyMap;
let b2bMap: JourneyMap;

async function ingest(definition: JourneyDefinition, lines: string[], name: string): Promise<void> {
  await ingestFiles(store, compilePipeline(definition), [writeTemp(name, lines)]);
}

const mapOf = (definition: JourneyDefinition, extra: Partial<Parameters<typeof readJourneyMap>[1]> = {}) =>
  readJourneyMap(store, { definition, level: definition.funnel.level, mode: definition.funnel.mode, range: {}, ...extra });

const column = (map: JourneyMap, stage: string): StageColumn => map.stages.find((s) => s.stage === stage)!;

beforeAll(async () => {
  ({ store, cleanup } = await openTestStore());
  shop = parseDefinition(SHOP, 'map_shop.yaml');
  b2b = parseDefinition(B2B, 'map_b2b.yaml');
  await ingest(shop, shopEvents(), 'shop.ndjson');
  await ingest(b2b, b2bEvents(), 'b2b.ndjson');
  shopMap = await mapOf(shop);
  b2bMap = await mapOf(b2b);
}, 120_000);

afterAll(async () => {
  await cleanup?.();
});

describe('the worked example (level session, reached mode)', () => {
  it('counts the funnel as the funnel report does', async () => {
    const funnel = await readFunnel(store, { pipeline: shop.name, stageNames: shop.stages.map((s) => s.name), level: 'session', mode: 'reached', range: {} });
    expect(shopMap.stages.map((s) => s.funnel)).toEqual(funnel.stages);
    expect(shopMap.stages.map((s) => [s.funnel.entered, s.funnel.skipped])).toEqual([
      [3, 0],
      [2, 1],
      [2, 1],
      [2, 1],
      [1, 0],
    ]);
  });

  it('times each stage from entering it to entering the next, or to the session end', () => {
    // awareness: S1 1 min, S2 2 min (to the Order Completed that reached every later stage), S3 0 (one event).
    expect(column(shopMap, 'awareness').time_in_stage).toEqual({ median_ms: 1 * MIN, p90_ms: 108_000, journeys: 3 });
    expect(column(shopMap, 'interest').time_in_stage).toEqual({ median_ms: 3 * MIN, p90_ms: 3 * MIN, journeys: 1 });
    expect(column(shopMap, 'cart').time_in_stage).toEqual({ median_ms: 2 * MIN, p90_ms: 2 * MIN, journeys: 1 });
    expect(column(shopMap, 'checkout').time_in_stage).toEqual({ median_ms: 3 * MIN, p90_ms: 3 * MIN, journeys: 1 });
    expect(column(shopMap, 'purchase').time_in_stage).toEqual({ median_ms: 0, p90_ms: 0, journeys: 1 });
  });

  it('puts each event at the stage the session had reached, and an answer at the stage it names', () => {
    const touchpoints = (stage: string) => column(shopMap, stage).touchpoints.map((t) => [t.touchpoint, t.events, t.journeys]);
    expect(touchpoints('awareness')).toEqual([['/', 3, 3]]);
    expect(touchpoints('interest')).toEqual([['Products Searched', 1, 1]]);
    expect(touchpoints('cart').sort()).toEqual([
      ['/products/:id', 1, 1],
      ['Product Added', 1, 1],
    ]);
    expect(touchpoints('checkout').sort()).toEqual([
      ['/checkout/payment', 1, 1],
      ['Checkout Started', 1, 1],
      ['crm:survey_answered', 1, 1],
    ]);
    expect(touchpoints('purchase')).toEqual([['Order Completed', 1, 1]]);
    const checkoutChannels = column(shopMap, 'checkout').channels.map((c) => [c.channel, c.online, c.events]);
    expect(checkoutChannels).toEqual([
      ['Direct', true, 2],
      ['CRM', false, 1],
    ]);
  });

  it('gives checkout the CSAT 2 it names, no interval from one answer, and says one answer has no stage', () => {
    expect(column(shopMap, 'checkout').emotions.csat).toEqual({ answers: 1, mean: 2, ci_low: null, ci_high: null });
    expect(column(shopMap, 'checkout').emotions.nps).toBeNull();
    expect(column(shopMap, 'checkout').emotions.comments.map((c) => [c.type, c.score, c.text])).toEqual([['csat', 2, 'Payment page kept reloading']]);
    for (const stage of ['awareness', 'interest', 'cart', 'purchase']) expect(column(shopMap, stage).emotions).toEqual({ nps: null, csat: null, comments: [] });
    expect(shopMap.notes.join(' ')).toMatch(/\b1 survey answer\b.*no stage|no stage.*\b1\b/i);
  });

  it('finds exits where the furthest stage was, bounces among single-event sessions, and the rule of the abandonment report', async () => {
    expect(column(shopMap, 'awareness').pain_points.exit_touchpoints).toEqual([{ touchpoint: '/', exits: 1, share: 1 }]);
    expect(column(shopMap, 'checkout').pain_points.exit_touchpoints).toEqual([{ touchpoint: '/checkout/payment', exits: 1, share: 1 }]);
    expect(column(shopMap, 'purchase').pain_points.exit_touchpoints).toEqual([{ touchpoint: 'Order Completed', exits: 1, share: 1 }]);
    expect(column(shopMap, 'awareness').pain_points.bounces).toEqual({ journeys: 1, rate: 0.3333 });
    expect(column(shopMap, 'checkout').pain_points.bounces).toEqual({ journeys: 0, rate: 0 });
    // At level session no ticket can sit on a stage: a ticket is a CRM session.
    expect(column(shopMap, 'checkout').pain_points.tickets).toEqual({ opened: 0, per_100: 0 });
    const report = await abandonmentReport(store, { pipeline: shop.name, rules: shop.abandonment, level: 'session', mode: 'reached', range: {} });
    const { buckets: _b, worst_bucket: _w, ...rule } = report[0]!;
    expect(shopMap.abandonment).toEqual([rule]);
    const fromCheckout = column(shopMap, 'checkout').pain_points.abandonment;
    expect(fromCheckout).toHaveLength(1);
    expect(fromCheckout[0]).toMatchObject({ rule: 'checkout_abandonment', to: 'purchase', abandoned: 1 });
  });
});

describe('a B2B person journey (level person): CRM answers, tickets and touchpoint-named surveys', () => {
  it('counts the people', () => {
    expect(b2bMap.unit).toBe('journeys');
    expect(b2bMap.stages.map((s) => [s.stage, s.funnel.entered, s.funnel.skipped])).toEqual([
      ['visit', 3, 0],
      ['signup', 1, 0],
      ['lead', 1, 0],
      ['won', 1, 0],
    ]);
  });

  it('puts a survey naming /pricing at the stage reached at the latest /pricing event, one naming signup there, the rest where the journey was', () => {
    expect(column(b2bMap, 'visit').emotions.csat).toEqual({ answers: 1, mean: 4, ci_low: null, ci_high: null });
    expect(column(b2bMap, 'visit').emotions.comments.map((c) => c.text)).toEqual(['Pricing page was clear']);
    expect(column(b2bMap, 'signup').emotions.nps).toEqual({ answers: 1, promoters: 1, passives: 0, detractors: 0, score: 100, ci_low: 100, ci_high: 100 });
    expect(column(b2bMap, 'lead').emotions.nps).toEqual({ answers: 1, promoters: 0, passives: 0, detractors: 1, score: -100, ci_low: -100, ci_high: -100 });
    expect(column(b2bMap, 'won').emotions).toEqual({ nps: null, csat: null, comments: [] });
    expect(b2bMap.notes.join(' ')).not.toMatch(/no stage/i);
  });

  it('attaches the CRM activity and the ticket to the stage the person had reached, offline', () => {
    const lead = column(b2bMap, 'lead');
    expect(lead.pain_points.tickets).toEqual({ opened: 1, per_100: 100 });
    expect(lead.touchpoints.map((t) => [t.touchpoint, t.events]).sort()).toEqual([
      ['crm:lifecycle_stage_changed', 1],
      ['crm:meeting', 1],
      ['crm:survey_answered', 1],
      ['crm:ticket_opened', 1],
    ]);
    expect(lead.channels.map((c) => [c.channel, c.online, c.events]).sort()).toEqual([
      ['CRM', false, 3],
      ['Meeting', false, 1],
    ]);
  });

  it('times stages over the staged events and bounces one-event journeys', () => {
    // visit: P1 5 min, P2 0, P3 2 min; lead: day 1 (−1 h) → day 8.
    expect(column(b2bMap, 'visit').time_in_stage).toEqual({ median_ms: 2 * MIN, p90_ms: 4.4 * MIN, journeys: 3 });
    expect(column(b2bMap, 'lead').time_in_stage.median_ms).toBe(7 * DAY + 60 * MIN);
    expect(column(b2bMap, 'won').time_in_stage.median_ms).toBe(0);
    expect(column(b2bMap, 'visit').pain_points.bounces).toEqual({ journeys: 1, rate: 0.3333 });
    expect(column(b2bMap, 'visit').pain_points.exit_touchpoints.sort((a, b) => a.touchpoint.localeCompare(b.touchpoint))).toEqual([
      { touchpoint: '/', exits: 1, share: 0.5 },
      { touchpoint: '/features', exits: 1, share: 0.5 },
    ]);
    expect(column(b2bMap, 'won').pain_points.exit_touchpoints).toEqual([{ touchpoint: 'crm:deal_stage_changed', exits: 1, share: 1 }]);
  });

  it('gives the funnel report the map shows', async () => {
    const funnel = await readFunnel(store, { pipeline: b2b.name, stageNames: b2b.stages.map((s) => s.name), level: 'person', mode: 'reached', range: {} });
    expect(b2bMap.stages.map((s) => s.funnel)).toEqual(funnel.stages);
  });
});

describe('personas', () => {
  it("are the map of their segment, every layer of it (one read per layer for all of them)", async () => {
    for (const map of [shopMap, b2bMap]) {
      const definition = map === shopMap ? shop : b2b;
      expect(map.personas.length).toBeGreaterThan(0);
      for (const persona of map.personas) expect(persona.stages).toEqual((await mapOf(definition, { segment: persona.value })).stages);
    }
  });
});

describe('replays', () => {
  it('gives the same map when the same files are ingested again', async () => {
    await ingest(shop, shopEvents(), 'shop-again.ndjson');
    await ingest(b2b, b2bEvents(), 'b2b-again.ndjson');
    const strip = (map: JourneyMap) => ({ ...map, generated_at: '' });
    expect(strip(await mapOf(shop))).toEqual(strip(shopMap));
    expect(strip(await mapOf(b2b))).toEqual(strip(b2bMap));
  });
});

describe('comparisons: this period against the one before, and variant A against B', () => {
  const AB = `
name: map_ab
sessions: { inactivityGap: 30m, maxDuration: 24h, allowedLateness: 5m }
stages:
  - name: landing
    match: [{ type: page }]
  - name: cart
    match: [{ event: Product Added }]
  - name: purchase
    match: [{ event: Order Completed }]
`;
  let ab: JourneyDefinition;
  const DAY2 = at(0) - 10 * 60 * MIN + DAY; // midnight starting day 2

  /** 40 sessions of variant A on day 1 (30 add to the cart, 20 order); 40 of B on day 2 (20 add, 5 order). */
  function abEvents(): string[] {
    const lines: string[] = [];
    for (const [variant, offsetMs, carts, orders] of [['A', 0, 30, 20], ['B', DAY, 20, 5]] as const) {
      for (let v = 0; v < 40; v++) {
        const anonymousId = `${variant}${v}`;
        const t = at(v * 10) + offsetMs;
        lines.push(page('/', { anonymousId, at: t, id: `${anonymousId}-1`, properties: { variation_name: variant } }));
        if (v < carts) lines.push(track('Product Added', { anonymousId, at: t + MIN, id: `${anonymousId}-2` }));
        if (v < orders) lines.push(track('Order Completed', { anonymousId, at: t + 2 * MIN, id: `${anonymousId}-3` }));
      }
    }
    return lines;
  }

  beforeAll(async () => {
    ab = parseDefinition(AB, 'map_ab.yaml');
    await ingest(ab, abEvents(), 'ab.ndjson');
  });

  it('compares variant A with B per stage: counts, difference, Bonferroni verdict, and no verdict under 30', async () => {
    const map = await mapOf(ab, { variant: { path: 'properties.variation_name' } });
    const c = map.comparison!;
    expect(c.kind).toBe('variant');
    expect([c.a.variant, c.a.journeys, c.b.variant, c.b.journeys]).toEqual(['A', 40, 'B', 40]);
    const [landing, cart, purchase] = c.stages;
    expect(landing).toMatchObject({ stage: 'landing', a_at: 40, a_advanced: 30, a_conversion: 0.75, b_at: 40, b_advanced: 20, b_conversion: 0.5, difference: 0.25 });
    // z = 0.25 / √(0.625 · 0.375 · (1/40 + 1/40)) = 2.309; two-sided p = 0.0209 < 0.05 / 1 stage tested.
    expect(landing!.p_value).toBeCloseTo(0.0209, 3);
    expect([landing!.significant, landing!.verdict]).toEqual([true, 'better']);
    expect(cart).toMatchObject({ a_at: 30, a_advanced: 20, b_at: 20, b_advanced: 5, p_value: null, verdict: 'too few to tell' });
    expect(purchase!.verdict).toBe('not applicable');
  });

  it("compares day 2 with day 1 from the funnel's own counts", async () => {
    const map = await mapOf(ab, { range: { fromMs: DAY2, toMs: DAY2 + DAY }, compare: { kind: 'previous' } });
    const c = map.comparison!;
    expect([c.kind, c.a.journeys, c.b.journeys, c.b.period]).toEqual(['previous', 40, 40, { from: new Date(DAY2 - DAY).toISOString(), to: new Date(DAY2).toISOString() }]);
    expect(c.stages[0]).toMatchObject({ a_at: 40, a_advanced: 20, b_at: 40, b_advanced: 30, difference: -0.25, verdict: 'worse' });
    expect(map.stages.map((s) => s.funnel.entered)).toEqual([40, 20, 5]);
  });
});
