import { describe, expect, it } from 'vitest';
import { generateEvents, type GeneratorOptionsInput } from '../../src/sources/generator/index.js';
import { Prng } from '../../src/sources/generator/prng.js';
import { surveyScore } from '../../src/sources/generator/survey-scores.js';

type Json = Record<string, unknown>;

function records(options: GeneratorOptionsInput): Json[] {
  const clean = { outOfOrderShare: 0, veryLateShare: 0, duplicateShare: 0, malformedShare: 0 };
  return [...generateEvents({ ...options, ...clean })].map((g) => JSON.parse(g.line) as Json);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('survey scores from a mood', () => {
  it('stay on the scale and rise with the mood', () => {
    const rng = new Prng(7);
    const draw = (type: 'nps' | 'csat', mood: number) => Array.from({ length: 2000 }, () => surveyScore(rng, type, mood));
    for (const type of ['nps', 'csat'] as const) {
      const [low, mid, high] = [0.2, 0.5, 0.9].map((m) => draw(type, m));
      for (const s of [...low!, ...mid!, ...high!]) expect(s).toBeGreaterThanOrEqual(type === 'nps' ? 0 : 1);
      for (const s of [...low!, ...mid!, ...high!]) expect(s).toBeLessThanOrEqual(type === 'nps' ? 10 : 5);
      expect(mean(low!)).toBeLessThan(mean(mid!));
      expect(mean(mid!)).toBeLessThan(mean(high!));
    }
  });
});

describe('the shop voice of the customer', () => {
  const bottleneck = { fromStage: 'checkout', dimension: 'device', value: 'mobile', conversionFactor: 0.5 } as const;
  const all = records({ scenario: 'ecommerce', seed: 5, days: 4, visitorsPerDay: 4000, bottleneck });
  const devices = new Map<string, boolean>();
  for (const r of all) {
    if (r['source'] === 'crm' || devices.has(String(r['anonymousId']))) continue;
    devices.set(String(r['anonymousId']), /iPhone|iPad|Android/.test(String((r['context'] as Json)['userAgent'])));
  }
  const answers: Array<Json & { mobile: boolean | undefined }> = all
    .filter((r) => r['kind'] === 'survey_answered')
    .map((r) => ({ ...(r['survey'] as Json), mobile: devices.get(String(r['anonymousId'])) }));

  it('names a stage of the ecommerce pipeline on every answer, several stages in all', () => {
    const stages = new Set(answers.map((a) => a['stage']));
    expect([...stages].sort()).toEqual(['cart', 'checkout', 'consideration', 'interest', 'purchase']);
  });

  it('answers worse about checkout where the planted bottleneck hits (mobile), and opens more tickets there', () => {
    const checkout = (mobile: boolean) => answers.filter((a) => a['stage'] === 'checkout' && a.mobile === mobile).map((a) => Number(a['score']));
    expect(checkout(true).length).toBeGreaterThan(30);
    expect(checkout(false).length).toBeGreaterThan(30);
    expect(mean(checkout(true))).toBeLessThan(mean(checkout(false)) - 0.5);
    const purchase = answers.filter((a) => a['stage'] === 'purchase' && a['type'] === 'csat').map((a) => Number(a['score']));
    expect(mean(purchase)).toBeGreaterThan(mean(checkout(true)));
    const tickets = all.filter((r) => r['kind'] === 'ticket_opened');
    expect(tickets.length).toBeGreaterThan(20);
    expect(tickets.filter((t) => (t['ticket'] as Json)['subject'] === 'Checkout does not work').every((t) => devices.get(String(t['anonymousId'])))).toBe(true);
  });
});

describe('the B2B surveys', () => {
  const all = records({ scenario: 'b2b-saas', seed: 5, days: 40, visitorsPerDay: 1500, start: '2026-09-01T00:00:00Z' });
  const surveys = all.filter((r) => r['kind'] === 'survey_answered').map((r) => r['survey'] as Json);

  it('name the discovery meeting or a ticket as touchpoint, the proposal or onboarding as stage, or nothing (relationship NPS)', () => {
    const named = new Set(surveys.map((s) => String(s['stage'] ?? s['touchpoint'] ?? '')));
    expect([...named].sort()).toEqual(['', 'crm:meeting', 'crm:ticket_solved', 'onboarding', 'proposal']);
  });

  it("score the proposal lowest: the journey's mild weak spot", () => {
    const csat = (name: string) => mean(surveys.filter((s) => s['type'] === 'csat' && (s['stage'] ?? s['touchpoint']) === name).map((s) => Number(s['score'])));
    expect(csat('proposal')).toBeLessThan(csat('crm:meeting'));
    expect(csat('proposal')).toBeLessThan(csat('onboarding'));
  });
});
