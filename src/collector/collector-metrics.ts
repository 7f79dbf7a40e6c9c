import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEAD_LETTER_STEPS } from '../sources/kafka/consumer-metrics.js';

/** The routes the collector answers, as the `route` label (a path outside them is `other`). */
export const COLLECTOR_ROUTES = ['/v1/track', '/v1/page', '/v1/screen', '/v1/identify', '/v1/alias', '/v1/group', '/v1/batch', '/hubspot', 'other'] as const;

/** Why a request was answered without storing anything. */
export const REFUSALS = ['too_large', 'bad_encoding', 'unauthorized', 'full', 'unavailable'] as const;
export type Refusal = (typeof REFUSALS)[number];

/** Request latencies in seconds: a Kafka ack or a store commit takes milliseconds; a retried broker, seconds. */
const REQUEST_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics of `journeys collect` (docs/collector.md), on the process
 * registry (createMetricsRegistry). Known label values start at 0 so
 * rate() sees the first request.
 */
export class CollectorMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly requestSeconds: Histogram<'route'>;
  readonly events: Counter<'outcome'>;
  readonly refused: Counter<'reason'>;
  readonly deadLetters: Counter<'step'>;
  readonly inFlightBytes: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({ name: 'journeys_collector_requests_total', help: 'Collector requests answered, by route and HTTP status', labelNames: ['route', 'status'], registers });
    this.requestSeconds = new Histogram({
      name: 'journeys_collector_request_seconds',
      help: 'Time from a request to its answer (a 200 waits for Kafka or the store)',
      labelNames: ['route'],
      buckets: REQUEST_SECONDS_BUCKETS,
      registers,
    });
    this.events = new Counter({
      name: 'journeys_collector_events_total',
      help: 'Events passed on, by outcome: accepted (durable), invalid (dead-lettered)',
      labelNames: ['outcome'],
      registers,
    });
    this.refused = new Counter({
      name: 'journeys_collector_refused_requests_total',
      help: 'Requests answered without storing anything, by reason: too_large, bad_encoding, unauthorized, full (in-flight bytes), unavailable (Kafka or the store down)',
      labelNames: ['reason'],
      registers,
    });
    this.deadLetters = new Counter({ name: 'journeys_collector_dead_letters_total', help: 'Events the collector found invalid, by the step that rejected them', labelNames: ['step'], registers });
    this.inFlightBytes = new Gauge({ name: 'journeys_collector_in_flight_bytes', help: 'Bytes of requests read and not yet answered', registers });
    for (const route of COLLECTOR_ROUTES) {
      this.requests.inc({ route, status: '200' }, 0);
      this.requestSeconds.zero({ route });
    }
    for (const outcome of ['accepted', 'invalid']) this.events.inc({ outcome }, 0);
    for (const reason of REFUSALS) this.refused.inc({ reason }, 0);
    for (const step of DEAD_LETTER_STEPS) this.deadLetters.inc({ step }, 0);
  }
}

/** analytics.js's one-letter paths, labelled as the calls they are. */
const SHORT_PATHS: Readonly<Record<string, (typeof COLLECTOR_ROUTES)[number]>> = {
  '/v1/t': '/v1/track', '/v1/p': '/v1/page', '/v1/s': '/v1/screen', '/v1/i': '/v1/identify',
  '/v1/a': '/v1/alias', '/v1/g': '/v1/group', '/v1/b': '/v1/batch', '/v1/import': '/v1/batch',
};

/** The route label of a path (a bounded set: unknown paths are `other`). */
export function routeOf(path: string): (typeof COLLECTOR_ROUTES)[number] {
  if ((COLLECTOR_ROUTES as readonly string[]).includes(path)) return path as (typeof COLLECTOR_ROUTES)[number];
  return SHORT_PATHS[path] ?? 'other';
}
