import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { CALL_TYPES, MAX_BATCH_BYTES, type CallType } from './segment-messages.js';
import { answerPreflight, setCorsHeaders } from './cors.js';
import { InFlightBytes } from './in-flight-bytes.js';
import { routeOf } from './collector-metrics.js';
import { handleSegmentCall } from './segment-route.js';
import { handleHubSpot } from './hubspot-route.js';
import { replyJson, replyUnavailable } from './reply.js';
import { answerObservability } from '../observability/metrics-server.js';
import { SinkUnavailableError } from './event-sink.js';
import type { CollectorContext } from './collector-context.js';

export interface CollectorServerOptions {
  context: CollectorContext;
  registry: Registry;
  /** Most bytes of requests read and not yet answered (default 64 MiB); beyond, 503 with Retry-After. */
  maxInFlightBytes?: number;
}

/**
 * A Segment call path or the batch path: `/v1/track` … (Segment's HTTP
 * API, RudderStack's the same), `/v1/import` (an alias of batch), and the
 * one-letter paths analytics.js posts to (`/v1/t`, `/v1/p`, `/v1/i`,
 * `/v1/a`, `/v1/g`, `/v1/s`, and `/v1/b` when it batches).
 */
function callOf(path: string): CallType | 'batch' | undefined {
  if (path === '/v1/batch' || path === '/v1/import' || path === '/v1/b') return 'batch';
  const match = /^\/v1\/([a-z]+)$/.exec(path);
  const name = match?.[1];
  if (!name) return undefined;
  return CALL_TYPES.find((type) => type === name || (name.length === 1 && type.startsWith(name)));
}

/**
 * The collector's HTTP server (docs/collector.md): Segment-compatible
 * calls, HubSpot webhooks, /healthz and /metrics. Every answer carries CORS
 * headers for browser SDKs. A request is let in only while the bytes in
 * flight stay under the bound; its body counts from the moment it is read
 * until it is answered.
 */
export function createCollectorServer(options: CollectorServerOptions): Server {
  const { context, registry } = options;
  const inFlight = new InFlightBytes(options.maxInFlightBytes ?? 64 * 1024 * 1024);
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = routeOf(path);
    const timer = context.metrics.requestSeconds.startTimer({ route });
    response.once('finish', () => {
      timer();
      context.metrics.requests.inc({ route, status: String(response.statusCode) });
    });
    setCorsHeaders(request, response);
    void answer(request, response, path).catch((error: unknown) => {
      context.logger.error({ err: error, path }, 'collector request failed');
      if (!response.headersSent) replyJson(response, 500, { success: false, message: `the collector failed: ${(error as Error).message}` });
      else response.destroy();
    });
  });

  async function answer(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    if (request.method === 'OPTIONS') return answerPreflight(request, response);
    if (request.method === 'GET' || request.method === 'HEAD') {
      context.metrics.inFlightBytes.set(inFlight.bytes);
      if (answerObservability(path, response, { registry, healthy: () => context.sink.health() })) return;
    }
    const call = callOf(path);
    if (call === undefined && path !== '/hubspot') {
      request.resume();
      return replyJson(response, 404, { success: false, message: `no such endpoint: ${path}; the collector takes POST /v1/track|page|screen|identify|alias|group|batch, POST /hubspot, GET /healthz and /metrics` });
    }
    if (request.method !== 'POST') {
      request.resume();
      return replyJson(response, 405, { success: false, message: `${path} takes POST` }, { allow: 'POST, OPTIONS' });
    }
    // Reserved before reading: the declared length, else the most a body may be.
    const declared = Number(request.headers['content-length']);
    const reserved = Number.isFinite(declared) && declared >= 0 ? Math.min(declared, MAX_BATCH_BYTES) : MAX_BATCH_BYTES;
    if (!inFlight.tryReserve(reserved)) {
      request.resume();
      context.metrics.refused.inc({ reason: 'full' });
      return replyUnavailable(response, 'the collector is full (too many requests wait for Kafka or the store)');
    }
    try {
      if (call === undefined) await handleHubSpot(request, response, context);
      else await handleSegmentCall(call, request, response, context);
    } catch (error) {
      if (!(error instanceof SinkUnavailableError)) throw error;
      context.metrics.refused.inc({ reason: 'unavailable' });
      replyUnavailable(response, error.message);
    } finally {
      inFlight.release(reserved);
    }
  }
}
