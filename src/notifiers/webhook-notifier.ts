import { setTimeout as sleepMs } from 'node:timers/promises';
import type { AlertNotice, AlertNotifier } from './notifier.js';
import { SIGNATURE_HEADER, signBody, webhookBody } from './webhook-body.js';

/** A webhook that could not be delivered; `retriable` says whether a later attempt may succeed. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface WebhookOptions {
  url: string;
  /** Shared secret of the HMAC-SHA256 signature header; unsigned without it. */
  secret?: string | undefined;
  /** Per attempt. */
  timeoutMs?: number;
  /** Attempts after the first one. */
  retries?: number;
  /** First backoff; each retry doubles it, with ±50 % jitter so many senders do not retry in step. */
  backoffMs?: number;
  /** For tests: the jitter source (0..1) and the wait. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Timeouts, network errors, 408, 429 and 5xx may pass on a later attempt; other statuses will not. */
function retriableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs each notice as a Slack-compatible JSON body, signed with
 * `x-journeys-signature: sha256=<hex>` when a secret is set, and with
 * `idempotency-key: <alert id>:<state>` so a receiver can drop a retry it
 * already took. Retries retriable failures with exponential backoff; rejects
 * with a WebhookError once it gives up.
 */
export function createWebhookNotifier(options: WebhookOptions): AlertNotifier {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookError(`webhook URL must be http(s): ${options.url}`, false);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => sleepMs(ms));

  async function attempt(body: string, headers: Record<string, string>): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new WebhookError(`webhook ${url.host}: ${(error as Error).message}`, true, { cause: error });
    }
    // Drain the body so the connection can be reused (or closed) promptly.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new WebhookError(`webhook ${url.host} answered ${response.status}`, retriableStatus(response.status));
  }

  return {
    name: 'webhook',
    async notify(notice: AlertNotice): Promise<void> {
      const body = webhookBody(notice);
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': `${notice.id}:${notice.state}` };
      if (options.secret) headers[SIGNATURE_HEADER] = signBody(body, options.secret);
      for (let tryNumber = 0; ; tryNumber++) {
        try {
          return await attempt(body, headers);
        } catch (error) {
          if (!(error instanceof WebhookError) || !error.retriable || tryNumber >= retries) throw error;
          await sleep(backoffMs * 2 ** tryNumber * (0.5 + random()));
        }
      }
    },
  };
}
