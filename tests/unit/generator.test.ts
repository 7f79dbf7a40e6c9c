import { beforeAll, describe, expect, it } from 'vitest';
import {
  generateEvents,
  generatorOptionsSchema,
  REES46_HEADER,
  type GeneratedLine,
  type GeneratorOptionsInput,
} from '../../src/sources/generator/index.js';

type Json = Record<string, unknown>;

const DAY_MS = 86_400_000;
const MIN_TIME_MS = Date.UTC(2000, 0, 1);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CSV_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const CRM_DETAIL: Record<string, string> = {
  lifecycle_stage_changed: 'lifecycle',
  deal_stage_changed: 'deal',
  activity: 'activity',
  ticket_opened: 'ticket',
  ticket_solved: 'ticket',
  survey_answered: 'survey',
};
const DETAIL_KEYS = ['lifecycle', 'deal', 'activity', 'ticket', 'survey'];
const SEGMENT_TYPES = ['page', 'track', 'identify'];
const REES46_TYPES = ['view', 'cart', 'remove_from_cart', 'purchase'];

function collect(options: GeneratorOptionsInput): GeneratedLine[] {
  return [...generateEvents(options)];
}

const isIso = (value: unknown): value is string => typeof value === 'string' && ISO.test(value) && Number.isFinite(Date.parse(value));
const isId = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length <= 256;

/** Event time as the pipeline reads it: the clock-skew formula for Segment, occurredAt for CRM. */
function eventTimeMs(record: Json): number {
  if (record['source'] === 'crm') return Date.parse(String(record['occurredAt']));
  const { originalTimestamp, sentAt, receivedAt, timestamp } = record;
  if (isIso(originalTimestamp) && isIso(sentAt) && isIso(receivedAt)) {
    return Date.parse(receivedAt) - (Date.parse(sentAt) - Date.parse(originalTimestamp));
  }
  return isIso(timestamp) ? Date.parse(timestamp) : isIso(originalTimestamp) ? Date.parse(originalTimestamp) : NaN;
}

/** What is wrong with a JSON line under the documented contracts (Segment spec, CRM envelope); [] when valid. */
function jsonProblems(line: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return ['not an object'];
  const r = parsed as Json;
  const problems: string[] = [];
  if (!isIso(r['receivedAt'])) problems.push('receivedAt');
  if (r['source'] === 'crm') {
    if (!isId(r['id'])) problems.push('id');
    if (!isId(r['contactId'])) problems.push('contactId');
    if (r['anonymousId'] !== undefined && !isId(r['anonymousId'])) problems.push('anonymousId');
    if (!isIso(r['occurredAt'])) problems.push('occurredAt');
    const detail = CRM_DETAIL[String(r['kind'])];
    const present = DETAIL_KEYS.filter((key) => key in r);
    if (detail === undefined || present.length !== 1 || present[0] !== detail) problems.push('kind/detail');
    const survey = r['survey'] as Json | undefined;
    if (survey) {
      const score = survey['score'];
      const max = survey['type'] === 'nps' ? 10 : 5;
      const min = survey['type'] === 'nps' ? 0 : 1;
      if (typeof score !== 'number' || !Number.isInteger(score) || score < min || score > max) problems.push('score');
    }
  } else {
    if (!SEGMENT_TYPES.includes(String(r['type']))) problems.push('type');
    if (!isId(r['messageId'])) problems.push('messageId');
    if (r['anonymousId'] !== undefined && !isId(r['anonymousId'])) problems.push('anonymousId');
    if (r['userId'] !== undefined && !isId(r['userId'])) problems.push('userId');
    if (r['anonymousId'] === undefined && r['userId'] === undefined) problems.push('identity');
    if (r['type'] === 'track' && typeof r['event'] !== 'string') problems.push('event');
    if (r['type'] === 'page' && typeof r['name'] !== 'string') problems.push('name');
    if (!isIso(r['originalTimestamp'])) problems.push('originalTimestamp');
    if (r['timestamp'] !== undefined && !isIso(r['timestamp'])) problems.push('timestamp');
    const context = r['context'] as Json | undefined;
    if (typeof context?.['userAgent'] !== 'string') problems.push('context.userAgent');
    if (typeof (context?.['location'] as Json | undefined)?.['country'] !== 'string') problems.push('context.location.country');
    if (typeof (context?.['traits'] as Json | undefined)?.['segment'] !== 'string') problems.push('context.traits.segment');
    if (typeof r['properties'] !== 'object') problems.push('properties');
  }
  if (problems.length === 0) {
    const t = eventTimeMs(r);
    if (!(t >= MIN_TIME_MS) || t - Date.parse(String(r['receivedAt'])) > DAY_MS) problems.push('event time out of range');
  }
  return problems;
}

function csvTimeMs(text: string): number {
  return CSV_TIME.test(text) ? Date.parse(`${text.slice(0, 10)}T${text.slice(11, 19)}Z`) : NaN;
}

/** What is wrong with a REES46 row; [] when valid. */
function csvProblems(line: string): string[] {
  const f = line.split(',');
  if (f.length !== 9) return ['column count'];
  const problems: string[] = [];
  if (!Number.isFinite(csvTimeMs(f[0]!))) problems.push('event_time');
  if (!REES46_TYPES.includes(f[1]!)) problems.push('event_type');
  if (!/^\d+$/.test(f[2]!) || !/^\d{19}$/.test(f[3]!)) problems.push('ids');
  if (!/^\d+\.\d{2}$/.test(f[6]!)) problems.push('price');
  if (!/^\d+$/.test(f[7]!)) problems.push('user_id');
  if (!UUID.test(f[8]!)) problems.push('user_session');
  return problems;
}

const valid = (lines: GeneratedLine[]) => lines.filter((l) => l.kind === 'valid');
const share = (part: number, whole: number) => part / whole;

describe('generatorOptionsSchema', () => {
  it('fills every default', () => {
    const options = generatorOptionsSchema.parse({});
    expect(options).toMatchObject({
      scenario: 'ecommerce',
      start: '2026-11-02T00:00:00Z',
      days: 7,
      visitorsPerDay: 2000,
      outOfOrderShare: 0.02,
      veryLateShare: 0.001,
      duplicateShare: 0.01,
      malformedShare: 0.003,
    });
  });

  it.each([
    ['a negative visitor count', { visitorsPerDay: -1 }],
    ['a non-ISO start', { start: 'next monday' }],
    ['an unknown scenario', { scenario: 'retail' }],
    ['an unknown bottleneck dimension', { bottleneck: { fromStage: 'cart', dimension: 'os', value: 'ios', conversionFactor: 0.5 } }],
  ])('rejects %s', (_what, input) => {
    expect(generatorOptionsSchema.safeParse(input).success).toBe(false);
  });

  it('rejects a bottleneck on a stage the scenario does not have', () => {
    const bottleneck = { fromStage: 'mql', dimension: 'device', value: 'mobile', conversionFactor: 0.5 } as const;
    expect(() => generateEvents({ scenario: 'ecommerce', bottleneck })).toThrow(/fromStage/);
  });
});

describe.each(['ecommerce', 'b2b-saas', 'rees46'] as const)('scenario %s', (scenario) => {
  const base = { scenario, days: 1, visitorsPerDay: 400, seed: 11 };
  let lines: GeneratedLine[];
  beforeAll(() => {
    lines = collect(base);
  });

  it('is reproducible: same seed, same bytes; another seed, other bytes', () => {
    expect(collect(base).map((l) => l.line)).toEqual(lines.map((l) => l.line));
    expect(collect({ ...base, seed: 12 }).map((l) => l.line)).not.toEqual(lines.map((l) => l.line));
  });

  it('yields only well-formed valid records', () => {
    const records = valid(lines);
    expect(records.length).toBeGreaterThan(500);
    if (scenario === 'rees46') expect(lines[0]).toEqual({ line: REES46_HEADER, kind: 'valid' });
    const rows = scenario === 'rees46' ? records.slice(1) : records;
    const check = scenario === 'rees46' ? csvProblems : jsonProblems;
    const offenders = rows.filter(({ line }) => check(line).length > 0).map(({ line }) => [line, check(line)]);
    expect(offenders.slice(0, 3)).toEqual([]);
  });

  it('yields malformed records that a strict reader rejects', () => {
    const many = collect({ ...base, malformedShare: 0.05 });
    const malformed = many.filter((l) => l.kind === 'malformed');
    expect(malformed.length).toBeGreaterThan(50);
    expect(malformed.filter((l) => l.line.trim() === '').length).toBeLessThanOrEqual(3);
    const check = scenario === 'rees46' ? csvProblems : jsonProblems;
    expect(malformed.filter(({ line }) => check(line).length === 0).slice(0, 3)).toEqual([]);
  });
});

describe('ecommerce week', () => {
  const options = {
    scenario: 'ecommerce',
    seed: 3,
    days: 7,
    visitorsPerDay: 1200,
    outOfOrderShare: 0.05,
    veryLateShare: 0.005,
    duplicateShare: 0.02,
    malformedShare: 0.01,
  } as const;
  let lines: GeneratedLine[];
  let records: Json[];
  beforeAll(() => {
    lines = collect(options);
    records = valid(lines).map((l) => JSON.parse(l.line) as Json);
  });

  it('delivers in arrival order; only the late share is out of order by event time', () => {
    let lastArrival = -Infinity;
    let watermark = -Infinity;
    let late = 0;
    let veryLate = 0;
    let arrivalsBackwards = 0;
    let onTimeOutOfOrder = 0;
    for (const record of records) {
      const arrival = Date.parse(String(record['receivedAt']));
      if (arrival < lastArrival) arrivalsBackwards++;
      lastArrival = arrival;
      const eventTime = eventTimeMs(record);
      // On-time delivery takes at most 3.5 s (send 0–3 s, receive 50–500 ms).
      const lagMs = arrival - eventTime;
      if (lagMs > 4_000) {
        late++;
        if (lagMs > 3_600_000) veryLate++;
        continue;
      }
      if (eventTime < watermark - 4_000) onTimeOutOfOrder++;
      watermark = Math.max(watermark, eventTime);
    }
    expect(arrivalsBackwards).toBe(0);
    expect(onTimeOutOfOrder).toBe(0);
    const expected = options.outOfOrderShare + options.veryLateShare;
    expect(share(late, records.length)).toBeGreaterThan(expected * 0.8);
    expect(share(late, records.length)).toBeLessThan(expected * 1.2);
    expect(share(veryLate, records.length)).toBeGreaterThan(options.veryLateShare * 0.5);
    expect(share(veryLate, records.length)).toBeLessThan(options.veryLateShare * 1.5);
  });

  it('repeats earlier valid lines as duplicates, at about the configured share', () => {
    const seen = new Set<string>();
    let duplicates = 0;
    let unseen = 0;
    for (const { line, kind } of lines) {
      if (kind === 'valid') seen.add(line);
      if (kind === 'duplicate') {
        duplicates++;
        if (!seen.has(line)) unseen++;
      }
    }
    expect(unseen).toBe(0);
    expect(share(duplicates, records.length)).toBeGreaterThan(options.duplicateShare * 0.8);
    expect(share(duplicates, records.length)).toBeLessThan(options.duplicateShare * 1.2);
  });

  it('has about malformedShare malformed lines', () => {
    const malformed = lines.filter((l) => l.kind === 'malformed').length;
    expect(share(malformed, lines.length)).toBeGreaterThan(options.malformedShare * 0.8);
    expect(share(malformed, lines.length)).toBeLessThan(options.malformedShare * 1.2);
  });

  it('converts 2–4 % of sessions', () => {
    // A landing page is a page call whose referrer is not the shop itself.
    const landings = records.filter((r) => r['type'] === 'page' && !String((r['context'] as { page: { referrer: string } }).page.referrer).startsWith('https://shop.example.com'));
    const orders = records.filter((r) => r['event'] === 'Order Completed').length;
    expect(share(orders, landings.length)).toBeGreaterThan(0.02);
    expect(share(orders, landings.length)).toBeLessThan(0.04);
  });

  it('shapes arrivals like a real week: evenings over nights, weekdays over weekends', () => {
    const firstSeen = new Map<string, number>();
    for (const r of records) {
      const id = String(r['anonymousId']);
      if (r['source'] !== 'crm' && !firstSeen.has(id)) firstSeen.set(id, eventTimeMs(r));
    }
    const perWeekday = new Array<number>(7).fill(0);
    for (const t of firstSeen.values()) perWeekday[(new Date(t).getUTCDay() + 6) % 7]! += 1;
    const weekday = perWeekday.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
    const weekend = (perWeekday[5]! + perWeekday[6]!) / 2;
    expect(weekend).toBeLessThan(weekday * 0.95);
    // US visitors (UTC−5): 19–22 h local is 00–03 UTC, 02–05 h local is 07–10 UTC.
    const usHours = new Array<number>(24).fill(0);
    for (const r of records) {
      const id = String(r['anonymousId']);
      if (firstSeen.get(id) !== eventTimeMs(r) || ((r['context'] as Json)['location'] as Json)['country'] !== 'US') continue;
      usHours[new Date(eventTimeMs(r)).getUTCHours()]! += 1;
    }
    const evening = usHours.slice(0, 3).reduce((a, b) => a + b, 0);
    const night = usHours.slice(7, 10).reduce((a, b) => a + b, 0);
    expect(evening).toBeGreaterThan(night * 4);
  });

  it('returns visitors on later days, some logged in with a userId and an identify call', () => {
    const days = new Map<string, Set<number>>();
    for (const r of records) {
      if (r['source'] === 'crm') continue;
      const id = String(r['anonymousId']);
      const day = Math.floor(eventTimeMs(r) / DAY_MS);
      days.set(id, (days.get(id) ?? new Set()).add(day));
    }
    expect([...days.values()].filter((d) => d.size > 1).length).toBeGreaterThan(100);
    expect(records.some((r) => r['type'] === 'identify' && /^u_\d+$/.test(String(r['userId'])))).toBe(true);
    const surveys = records.filter((r) => r['source'] === 'crm' && r['kind'] === 'survey_answered');
    expect(surveys.length).toBeGreaterThan(10);
    for (const s of surveys) expect(days.has(String(s['anonymousId']))).toBe(true);
  });
});

describe('ecommerce shop without product lists', () => {
  const base = { scenario: 'ecommerce', seed: 5, days: 2, visitorsPerDay: 1500, outOfOrderShare: 0, veryLateShare: 0, duplicateShare: 0, malformedShare: 0 } as const;
  let records: Json[];
  beforeAll(() => {
    records = valid(collect({ ...base, productLists: false })).map((l) => JSON.parse(l.line) as Json);
  });
  const LIST_EVENTS = ['Product List Viewed', 'Products Searched'];

  it('sends no list events and no list pages; the default shop does', () => {
    expect(records.filter((r) => LIST_EVENTS.includes(String(r['event'])))).toEqual([]);
    expect(records.filter((r) => r['type'] === 'page' && ['Category', 'Search Results'].includes(String(r['name'])))).toEqual([]);
    const lists = valid(collect(base)).filter((l) => l.line.includes('"event":"Product List Viewed"'));
    expect(lists.length).toBeGreaterThan(100);
  });

  it('its buyers go Home → Product Viewed → Product Added → Checkout Started → Order Completed, converting as often', () => {
    const byVisitor = new Map<string, Json[]>();
    for (const r of records) {
      if (r['source'] === 'crm' || r['type'] === 'identify') continue;
      const id = String(r['anonymousId']);
      byVisitor.set(id, [...(byVisitor.get(id) ?? []), r]);
    }
    const steps = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];
    let buyers = 0;
    let homeFirst = 0;
    for (const events of byVisitor.values()) {
      events.sort((a, b) => eventTimeMs(a) - eventTimeMs(b));
      const order = events.findIndex((r) => r['event'] === 'Order Completed');
      if (order < 0) continue;
      buyers++;
      // Up to the first order: the steps in funnel order, each after the one before.
      const at = steps.map((step) => events.slice(0, order + 1).findIndex((r) => r['event'] === step));
      expect(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!))).toBe(true);
      if (events[0]!['type'] === 'page' && events[0]!['name'] === 'Home') homeFirst++;
    }
    expect(buyers).toBeGreaterThan(50);
    // The others land on a product page (ads, links) or the sale page, or started on an earlier visit.
    expect(homeFirst).toBeGreaterThan(buyers * 0.15);
    const landings = records.filter((r) => r['type'] === 'page' && !String((r['context'] as { page: { referrer: string } }).page.referrer).startsWith('https://shop.example.com'));
    const orders = records.filter((r) => r['event'] === 'Order Completed').length;
    expect(share(orders, landings.length)).toBeGreaterThan(0.02);
    expect(share(orders, landings.length)).toBeLessThan(0.04);
  });

  it('is an option of the schema, on by default', () => {
    expect(generatorOptionsSchema.parse({}).productLists).toBe(true);
    expect(generatorOptionsSchema.safeParse({ productLists: 'no' }).success).toBe(false);
  });
});

/** Order Completed / Checkout Started per device class, from the generated lines. */
function checkoutConversionByDevice(lines: GeneratedLine[]): Record<'mobile' | 'other', number> {
  const counts = { mobile: { started: 0, completed: 0 }, other: { started: 0, completed: 0 } };
  for (const { line, kind } of lines) {
    if (kind !== 'valid') continue;
    const started = line.includes('"event":"Checkout Started"');
    if (!started && !line.includes('"event":"Order Completed"')) continue;
    const ua = String(((JSON.parse(line) as Json)['context'] as Json)['userAgent']);
    const bucket = counts[/iPhone|Android.*Mobile/.test(ua) ? 'mobile' : 'other'];
    if (started) bucket.started++;
    else bucket.completed++;
  }
  return { mobile: counts.mobile.completed / counts.mobile.started, other: counts.other.completed / counts.other.started };
}

describe('planted anomalies', () => {
  const base = { scenario: 'ecommerce', seed: 21, days: 2, visitorsPerDay: 5000, malformedShare: 0, duplicateShare: 0 } as const;

  it('a bottleneck lowers checkout → purchase by about its factor, for that device only', () => {
    const factor = 0.4;
    const before = checkoutConversionByDevice(collect(base));
    const after = checkoutConversionByDevice(
      collect({ ...base, bottleneck: { fromStage: 'checkout', dimension: 'device', value: 'mobile', conversionFactor: factor } }),
    );
    expect(after.mobile / before.mobile).toBeGreaterThan(factor * 0.6);
    expect(after.mobile / before.mobile).toBeLessThan(factor * 1.5);
    expect(after.other / before.other).toBeGreaterThan(0.8);
    expect(after.other / before.other).toBeLessThan(1.25);
  });

  it('a spike raises checkout abandonment inside its window only', () => {
    const spike = { start: '2026-11-03T12:00:00Z', durationMinutes: 720, checkoutAbandonmentRate: 0.9 };
    const startMs = Date.parse(spike.start);
    const endMs = startMs + spike.durationMinutes * 60_000;
    const checkouts = new Map<string, number>();
    const completed = new Set<string>();
    for (const { line, kind } of collect({ ...base, spike })) {
      if (kind !== 'valid') continue;
      const started = line.includes('"event":"Checkout Started"');
      if (!started && !line.includes('"event":"Order Completed"')) continue;
      const record = JSON.parse(line) as Json;
      const checkoutId = String((record['properties'] as Json)['checkout_id']);
      if (started) checkouts.set(checkoutId, eventTimeMs(record));
      else completed.add(checkoutId);
    }
    const inside = [...checkouts].filter(([, t]) => t >= startMs && t < endMs);
    const outside = [...checkouts].filter(([, t]) => t < startMs || t >= endMs);
    const abandonment = (list: Array<[string, number]>) => list.filter(([id]) => !completed.has(id)).length / list.length;
    expect(inside.length).toBeGreaterThan(100);
    expect(abandonment(inside)).toBeGreaterThan(0.8);
    expect(abandonment(outside)).toBeLessThan(0.5);
  });
});

describe('b2b-saas', () => {
  let records: Json[];
  beforeAll(() => {
    records = valid(collect({ scenario: 'b2b-saas', seed: 5, days: 7, visitorsPerDay: 1500 })).map((l) => JSON.parse(l.line) as Json);
  });

  it('moves contacts through lifecycle and deal stages, linked to web visitors where they came from the site', () => {
    const crm = records.filter((r) => r['source'] === 'crm');
    const site = records.filter((r) => r['source'] !== 'crm');
    const stagesReached = new Set(crm.flatMap((r) => (r['lifecycle'] ? [(r['lifecycle'] as Json)['to']] : [])));
    expect([...stagesReached]).toEqual(expect.arrayContaining(['lead', 'mql', 'sql', 'opportunity', 'customer']));
    const dealStages = new Set(crm.flatMap((r) => (r['deal'] ? [(r['deal'] as Json)['to']] : [])));
    expect([...dealStages]).toEqual(expect.arrayContaining(['qualification', 'discovery', 'proposal', 'negotiation', 'closed_won', 'closed_lost']));
    expect(crm.some((r) => (r['deal'] as Json | undefined)?.['pipeline'] === 'renewals')).toBe(true);

    const visitors = new Set(site.map((r) => String(r['anonymousId'])));
    const leads = crm.filter((r) => (r['lifecycle'] as Json | undefined)?.['to'] === 'lead');
    const fromSite = leads.filter((r) => visitors.has(String(r['anonymousId'])));
    expect(fromSite.length).toBeGreaterThan(50);
    // Outbound prospects never visited: CRM events with a contactId only.
    expect(crm.some((r) => r['kind'] === 'activity' && r['anonymousId'] === undefined)).toBe(true);
    // A few per cent of visitors become leads.
    expect(share(fromSite.length, visitors.size)).toBeGreaterThan(0.01);
    expect(share(fromSite.length, visitors.size)).toBeLessThan(0.06);
  });

  it('has support tickets and surveys from the customer base', () => {
    const kinds = new Set(records.map((r) => r['kind']));
    expect([...kinds]).toEqual(expect.arrayContaining(['ticket_opened', 'ticket_solved', 'survey_answered', 'activity']));
  });
});
