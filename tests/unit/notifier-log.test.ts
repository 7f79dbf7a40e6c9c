import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createLogNotifier } from '../../src/notifiers/log-notifier.js';
import { alertMessage } from '../../src/notifiers/alert-message.js';
import type { AlertNotice } from '../../src/notifiers/notifier.js';

const FIELDS = {
  rule: 'checkout_abandonment_spike',
  metricLabel: 'checkout → purchase abandonment (checkout_abandonment_15m)',
  state: 'fired' as const,
  bucketStart: '2026-11-06T17:00:00.000Z',
  runStart: '2026-11-06T17:00:00.000Z',
  value: 0.9412,
  baseline: 0.4403,
  sessions: 34,
  zScore: 5.93,
};

describe('alert messages and the log notifier', () => {
  it('says what happened in one sentence', () => {
    expect(alertMessage(FIELDS)).toBe(
      'checkout_abandonment_spike fired: checkout → purchase abandonment (checkout_abandonment_15m) at 94.1% over 34 sessions from 2026-11-06 17:00 UTC (baseline 44.0%, z = 5.9); the anomaly began at 2026-11-06 17:00 UTC',
    );
    expect(alertMessage({ ...FIELDS, state: 'resolved', value: 0.45, runStart: '2026-11-06T21:05:00.000Z', zScore: 0.3 })).toMatch(
      /^checkout_abandonment_spike resolved: .* back to 45\.0% over 34 sessions from 2026-11-06 21:05 UTC \(baseline 44\.0%, z = 0\.3\); the alert began at 2026-11-06 17:00 UTC$/,
    );
  });

  it('logs fired as warn and resolved as info, with every figure', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => void (lines.push(String(chunk)), done()) });
    const notifier = createLogNotifier({ logger: pino({ base: undefined }, sink) });
    const notice: AlertNotice = {
      ...FIELDS,
      id: 'checkout_abandonment_spike@2026-11-06T17:00:00.000Z',
      pipeline: 'ecommerce',
      description: undefined,
      metric: 'abandonment_rate',
      evaluatedBucket: '2026-11-06T17:10:00.000Z',
      knownAt: '2026-11-06T17:30:00.000Z',
      baselineKind: 'trailing',
      baselineSessions: 1500,
      message: alertMessage(FIELDS),
    };
    await notifier.notify(notice);
    await notifier.notify({ ...notice, state: 'resolved' });
    const [fired, resolved] = lines.map((line) => JSON.parse(line));
    expect(fired).toMatchObject({ level: 40, msg: notice.message, alert: { id: notice.id, state: 'fired', value: 0.9412, sessions: 34, knownAt: notice.knownAt } });
    expect(resolved).toMatchObject({ level: 30, alert: { state: 'resolved' } });
  });
});
