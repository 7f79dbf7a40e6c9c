import { describe, expect, it } from 'vitest';
import { loadDefinition, parseDefinition } from '../../src/journey/load-definition.js';
import { compileAlertRule, lastKnownBucketMs } from '../../src/analysis/alert-policy.js';

const minimal = (extra: string) =>
  `name: t\nstages:\n  - name: a\n    match: [{ event: A }]\n  - name: b\n    match: [{ event: B }]\n  - name: c\n    match: [{ event: C }]\nabandonment:\n  - { name: r, from: a, to: b, within: 15m }\n${extra}`;

describe('alert rules in journey definitions', () => {
  it('ecommerce ships checkout_abandonment_spike on the 15-minute checkout rule', () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    expect(definition.abandonment.find((r) => r.name === 'checkout_abandonment_15m')).toEqual({ name: 'checkout_abandonment_15m', from: 'checkout', to: 'purchase', within: 900_000 });
    expect(definition.abandonment.map((r) => r.name)).toEqual(['cart_abandonment', 'checkout_abandonment', 'checkout_abandonment_15m']);
    const rule = definition.alerts.find((a) => a.name === 'checkout_abandonment_spike')!;
    expect(rule.metric).toEqual({ abandonmentRate: 'checkout_abandonment_15m' });
    const { policy, source } = compileAlertRule(rule, definition);
    // judged as soon as a bucket ends (settle 0), its checkouts read early for 3 buckets, the pipeline's level and mode
    expect(source).toMatchObject({ kind: 'abandonment_rate', abandonmentRule: 'checkout_abandonment_15m', toIndex: 6, settleMs: 0, finalMs: 900_000, level: 'session', mode: 'reached' });
    expect(policy).toMatchObject({ windowBuckets: 24, earlyBuckets: 3, minZScore: 5, minAbsoluteChange: 0.15, cooldownBuckets: 6 });
  });

  it('fills defaults and compiles a conversion rule (settles after the inactivity gap)', () => {
    const definition = parseDefinition(minimal('alerts:\n  - name: b_drop\n    metric: { conversion: b }\n'), 't.yaml');
    expect(definition.alerts[0]).toEqual({
      name: 'b_drop',
      metric: { conversion: 'b' },
      window: 3_600_000,
      minZScore: 5,
      minSessions: 8,
      minAbsoluteChange: 0.15,
      cooldown: 1_800_000,
      resolve: { belowZScore: 2, afterBuckets: 2 },
      baseline: { seasonalWeeks: 4, trailing: 86_400_000, minSessions: 100 },
    });
    expect(compileAlertRule(definition.alerts[0]!, definition).source).toEqual({
      kind: 'conversion',
      level: 'session',
      mode: 'reached',
      stageIndex: 2,
      label: 'b → c conversion',
      settleMs: 1_800_000,
      finalMs: 1_800_000,
    });
    // a rule may count people's journeys in another mode; abandonment rules are not counted in `any` mode
    const own = parseDefinition(minimal('alerts:\n  - name: x\n    metric: { abandonmentRate: r }\n    level: journey\n    mode: ordered\n'), 't.yaml');
    expect(compileAlertRule(own.alerts[0]!, own).source).toMatchObject({ level: 'person', mode: 'ordered', settleMs: 0, finalMs: 900_000 });
    expect(() => parseDefinition(minimal('alerts:\n  - name: x\n    metric: { abandonmentRate: r }\n    mode: any\n'), 't.yaml')).toThrow(/no abandonment rule is counted in any mode/);
    expect(parseDefinition(minimal(''), 't.yaml').alerts).toEqual([]);
  });

  it.each([
    { name: 'an unknown abandonment rule', yaml: 'alerts:\n  - name: x\n    metric: { abandonmentRate: nope }\n', message: /alerts\.0\.metric\.abandonmentRate \(line \d+\): unknown abandonment rule "nope"; rules are r/ },
    { name: 'the last stage (no next stage)', yaml: 'alerts:\n  - name: x\n    metric: { conversion: c }\n', message: /alerts\.0\.metric\.conversion.*"c" is not a stage with a next stage; use one of a, b/ },
    { name: 'an unknown stage', yaml: 'alerts:\n  - name: x\n    metric: { conversion: zz }\n', message: /"zz" is not a stage with a next stage/ },
    { name: 'a duplicate name', yaml: 'alerts:\n  - { name: x, metric: { conversion: a } }\n  - { name: x, metric: { conversion: b } }\n', message: /alerts\.1\.name.*duplicate alert "x"/ },
    { name: 'a window that is no multiple of 5m', yaml: 'alerts:\n  - { name: x, metric: { conversion: a }, window: 7m }\n', message: /alerts\.0\.window.*multiple of 5m/ },
    { name: 'two metrics at once', yaml: 'alerts:\n  - { name: x, metric: { conversion: a, abandonmentRate: r } }\n', message: /alerts\.0\.metric/ },
    { name: 'an unknown field', yaml: 'alerts:\n  - { name: x, metric: { conversion: a }, treshold: 3 }\n', message: /treshold|Unrecognized key/ },
  ])('rejects $name with the path and line', ({ yaml, message }) => {
    expect(() => parseDefinition(minimal(yaml), 't.yaml')).toThrow(message);
  });

  it.each([
    // bucket 10:00 ends 10:05; + 15 min window: known at 10:20
    { nowMs: Date.UTC(2026, 10, 5, 10, 20), settleMs: 900_000, last: Date.UTC(2026, 10, 5, 10, 0) },
    { nowMs: Date.UTC(2026, 10, 5, 10, 19, 59), settleMs: 900_000, last: Date.UTC(2026, 10, 5, 9, 55) },
  ])('the last known bucket at $nowMs', ({ nowMs, settleMs, last }) => {
    expect(lastKnownBucketMs(nowMs, settleMs)).toBe(last);
  });
});
