import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier, WebhookError } from '../../src/notifiers/webhook-notifier.js';
import type { AlertNotice } from '../../src/notifiers/notifier.js';
import { startWebhookReceiver } from '../helpers/webhook-receiver.js';

const NOTICE: AlertNotice = {
  id: 'checkout_abandonment_spike@2026-11-06T17:00:00.000Z',
  pipeline: 'ecommerce',
  rule: 'checkout_abandonment_spike',
  description: 'Checkouts abandoned well above normal.',
  metric: 'abandonment_rate',
  metricLabel: 'checkout → purchase abandonment (checkout_abandonment_15m)',
  state: 'fired',
  bucketStart: '2026-11-06T17:00:00.000Z',
  evaluatedBucket: '2026-11-06T17:10:00.000Z',
  knownAt: '2026-11-06T17:30:00.000Z',
  runStart: '2026-11-06T17:00:00.000Z',
  value: 0.9412,
  baseline: 0.44,
  baselineKind: 'trailing',
  baselineSessions: 1500,
  sessions: 34,
  zScore: 5.9,
  message: 'checkout_abandonment_spike fired: …',
};

let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('webhook notifier', () => {
  it('POSTs a Slack-compatible body signed with HMAC-SHA256 of the exact bytes', async () => {
    receiver = await startWebhookReceiver();
    await createWebhookNotifier({ url: receiver.url, secret: 's3cret' }).notify(NOTICE);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['idempotency-key']).toBe(`${NOTICE.id}:fired`);
    const expected = `sha256=${createHmac('sha256', 's3cret').update(request!.body).digest('hex')}`;
    expect(request!.headers['x-journeys-signature']).toBe(expected);
    const body = JSON.parse(request!.body);
    expect(body.text).toBe(':rotating_light: checkout_abandonment_spike fired: …');
    expect(body.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: *checkout_abandonment_spike* fired\ncheckout_abandonment_spike fired: …' } });
    expect(body.alert).toEqual(NOTICE);
  });

  it('sends no signature without a secret', async () => {
    receiver = await startWebhookReceiver();
    await createWebhookNotifier({ url: receiver.url }).notify({ ...NOTICE, state: 'resolved' });
    expect(receiver.received[0]!.headers['x-journeys-signature']).toBeUndefined();
    expect(JSON.parse(receiver.received[0]!.body).text).toMatch(/^:white_check_mark: /);
  });

  it('retries 503 and 429 with exponential backoff, then delivers', async () => {
    receiver = await startWebhookReceiver({ respond: (n) => [503, 429, 200][n - 1] ?? 200 });
    const waits: number[] = [];
    const notifier = createWebhookNotifier({ url: receiver.url, backoffMs: 100, random: () => 0.5, sleep: async (ms) => void waits.push(ms) });
    await notifier.notify(NOTICE);
    expect(receiver.received).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
    // every attempt carries the same body and idempotency key
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
  });

  it('gives up at once on a 4xx that retrying cannot fix', async () => {
    receiver = await startWebhookReceiver({ respond: () => 400 });
    const notify = createWebhookNotifier({ url: receiver.url, sleep: async () => undefined }).notify(NOTICE);
    await expect(notify).rejects.toMatchObject({ name: 'WebhookError', retriable: false, message: expect.stringContaining('400') });
    expect(receiver.received).toHaveLength(1);
  });

  it('times out a receiver that never answers, retries, and reports a retriable failure', async () => {
    receiver = await startWebhookReceiver({ respond: () => 'hang' });
    const notify = createWebhookNotifier({ url: receiver.url, timeoutMs: 150, retries: 2, sleep: async () => undefined }).notify(NOTICE);
    await expect(notify).rejects.toBeInstanceOf(WebhookError);
    await expect(notify).rejects.toMatchObject({ retriable: true });
    expect(receiver.received).toHaveLength(3);
  });

  it('rejects a URL that is not http(s) when created, without quoting its password', () => {
    expect(() => createWebhookNotifier({ url: 'ftp://example.com/x' })).toThrow(/http\(s\)/);
    expect(() => createWebhookNotifier({ url: 'ftp://alerts:s3cret@example.com/x' })).toThrow(/^(?!.*s3cret).*ftp:\/\/alerts:\*\*\*@example\.com/);
    expect(() => createWebhookNotifier({ url: 'http//alerts:s3cret@example.com' })).toThrow(/^(?!.*s3cret)/);
  });

  it.each([307, 308, 302, 303, 301])('does not follow a %i redirect: the signed body goes nowhere else, and it is reported, not counted as delivered', async (status) => {
    const elsewhere = await startWebhookReceiver();
    try {
      receiver = await startWebhookReceiver({ respond: () => status, location: elsewhere.url });
      const notify = createWebhookNotifier({ url: receiver.url, secret: 's3cret', sleep: async () => undefined }).notify(NOTICE);
      await expect(notify).rejects.toMatchObject({
        name: 'WebhookError',
        retriable: false,
        message: `webhook ${new URL(receiver.url).host} answered ${status}, a redirect to ${new URL(elsewhere.url).host}: not followed (the alert was not delivered); give --webhook the final URL`,
      });
      expect(receiver.received).toHaveLength(1);
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('sends the credentials of the URL as Basic auth, and never quotes the password in an error', async () => {
    receiver = await startWebhookReceiver({ respond: (n) => (n === 1 ? 200 : 400) });
    const url = receiver.url.replace('http://', 'http://alerts:s3cr%40t@');
    const notifier = createWebhookNotifier({ url, sleep: async () => undefined });
    await notifier.notify(NOTICE);
    expect(receiver.received[0]!.headers['authorization']).toBe(`Basic ${Buffer.from('alerts:s3cr@t').toString('base64')}`);
    const failed = notifier.notify(NOTICE);
    await expect(failed).rejects.toThrow(/answered 400/);
    await expect(failed).rejects.toThrow(/^(?!.*s3cr)/);
    // Nothing listening: the network error does not quote it either.
    await receiver.close();
    const unreachable = createWebhookNotifier({ url, retries: 0 }).notify(NOTICE);
    await expect(unreachable).rejects.toThrow(/fetch failed: \S/);
    await expect(unreachable).rejects.toThrow(/^(?!.*s3cr)/);
    receiver = undefined;
  });
});
