import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RawRecord } from '../pipeline/compiled-pipeline.js';
import { verifyHubSpotSignatureV3 } from '../sources/hubspot/signature.js';
import { hubspotEventsToCrm } from '../sources/hubspot/to-crm.js';
import { readRequestBody } from './request-body.js';
import { passOn } from './pass-on.js';
import { replyJson } from './reply.js';
import type { CollectorContext, HubSpotWebhooks } from './collector-context.js';

/** HubSpot sends at most 100 notifications a request; 1 MB holds them with room to spare. */
const MAX_HUBSPOT_BODY_BYTES = 1024 * 1024;

/** The URL HubSpot signed: the configured public URL (with the request's query), else rebuilt from Host. */
function signedUrlOf(request: IncomingMessage, hubspot: HubSpotWebhooks): string {
  const query = (request.url ?? '').includes('?') ? (request.url ?? '').slice((request.url ?? '').indexOf('?')) : '';
  if (hubspot.publicUrl) return `${hubspot.publicUrl.replace(/\?.*$/, '')}${query}`;
  return `http://${request.headers.host ?? 'localhost'}${request.url ?? '/hubspot'}`;
}

/**
 * `POST /hubspot`: a HubSpot webhook body, its v3 signature checked over
 * the raw bytes, each notification mapped to a CRM envelope through the
 * definition's `hubspot:` table (sources/hubspot) and passed on. 200 once
 * durable — HubSpot retries anything else, so a notification that cannot
 * be mapped is dead-lettered and still answered 200 (a retry would fail
 * the same way); 401 for a bad signature, 503 when the sink is down.
 */
export async function handleHubSpot(request: IncomingMessage, response: ServerResponse, context: CollectorContext): Promise<void> {
  const hubspot = context.hubspot;
  if (!hubspot) {
    request.resume();
    replyJson(response, 404, { success: false, message: 'HubSpot webhooks are off: start journeys collect with --hubspot-secret (or HUBSPOT_CLIENT_SECRET)' });
    return;
  }
  const read = await readRequestBody(request, MAX_HUBSPOT_BODY_BYTES);
  if (read.kind === 'problem') {
    context.metrics.refused.inc({ reason: read.problem.kind === 'too-large' ? 'too_large' : 'bad_encoding' });
    replyJson(response, 400, { success: false, message: read.problem.kind === 'too-large' ? 'the body is over 1 MB' : read.problem.reason });
    return;
  }
  const receivedAtMs = context.clock();
  const check = verifyHubSpotSignatureV3({
    method: request.method ?? 'POST',
    uri: signedUrlOf(request, hubspot),
    body: read.bytes,
    timestamp: header(request, 'x-hubspot-request-timestamp'),
    signature: header(request, 'x-hubspot-signature-v3'),
    clientSecret: hubspot.clientSecret,
    nowMs: receivedAtMs,
  });
  if (check.kind === 'rejected') {
    context.logger.warn({ reason: check.reason }, 'HubSpot webhook refused');
    context.metrics.refused.inc({ reason: 'unauthorized' });
    replyJson(response, 401, { success: false, message: `HubSpot signature check failed: ${check.reason}` });
    return;
  }
  const text = read.bytes.toString('utf8');
  const where = { path: '/hubspot', request: context.requestId() };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: one record, dead-lettered as such with its text.
    await passOn([{ raw: text, origin: { kind: 'http', ...where }, receivedAtMs }], context);
    replyJson(response, 400, { success: false, message: 'the body is not JSON' });
    return;
  }
  const batch = hubspotEventsToCrm(body, hubspot.mapping, { receivedAtMs });
  const rejectedAt = new Set(batch.rejected.map((r) => r.index));
  const total = Array.isArray(body) ? body.length : 1;
  // The envelopes come in body order, skipping the rejected notifications.
  const places = Array.from({ length: total }, (_, i) => i).filter((i) => !rejectedAt.has(i));
  const records: RawRecord[] = [
    ...batch.events.map((envelope, i) => ({ raw: JSON.stringify(envelope), origin: { kind: 'http' as const, ...where, index: places[i]! }, receivedAtMs })),
    ...batch.rejected.map((r) => ({ raw: JSON.stringify(r.raw) ?? 'null', origin: { kind: 'http' as const, ...where, index: r.index }, receivedAtMs, error: r.reason })),
  ];
  for (const value of batch.unmapped) context.logger.warn(value, 'HubSpot value with no entry in the definition\'s hubspot: table; the event is kept without that stage');
  const outcome = await passOn(records, context);
  replyJson(response, 200, { success: true, accepted: outcome.accepted, rejected: outcome.rejected });
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
