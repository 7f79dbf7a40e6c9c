import { createHmac } from 'node:crypto';
import type { AlertNotice } from './notifier.js';

/** The header carrying `sha256=<hex HMAC-SHA256 of the exact body bytes>` keyed with the shared secret. */
export const SIGNATURE_HEADER = 'x-journeys-signature';

/**
 * A Slack-compatible body: `text` (and `blocks`) is what Slack's incoming
 * webhooks show, `alert` carries every figure for other receivers (Slack
 * ignores fields it does not know).
 */
export function webhookBody(notice: AlertNotice): string {
  const icon = notice.state === 'fired' ? ':rotating_light:' : ':white_check_mark:';
  return JSON.stringify({
    text: `${icon} ${notice.message}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${icon} *${notice.rule}* ${notice.state}\n${notice.message}` } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `pipeline ${notice.pipeline} · alert ${notice.id} · known at ${notice.knownAt}` }],
      },
    ],
    alert: notice,
  });
}

/** `sha256=<hex>`: HMAC-SHA256 of `body` with `secret`, as receivers recompute it. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
