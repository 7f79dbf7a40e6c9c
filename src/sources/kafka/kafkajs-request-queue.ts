import { createRequire } from 'node:module';

/** The part of kafkajs' internal RequestQueue (kafkajs 2.2.4, src/network/requestQueue) this fix touches. */
interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL: how soon queued requests are retried when not throttled. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

const FIXED = Symbol.for('journeys.kafkajs.requestQueueFixed');

/**
 * Replaces kafkajs' `RequestQueue.scheduleCheckPendingRequests` with one that
 * never arms a timer for nothing (kafkajs issue #1751, unreleased PRs #1755,
 * #1768). After every response kafkajs computed `throttledUntil - Date.now()`,
 * which is about minus the epoch when no throttling is in force
 * (`throttledUntil` = -1), and passed it to setTimeout even with no request
 * waiting: Node clamps it to 1 ms, and since the timer's callback schedules
 * again, every broker connection polled its empty queue each millisecond for
 * the life of the client (~5% of a core idle with an admin and a producer
 * connected). Node 24 reports the negative delay as `TimeoutNegativeWarning`.
 *
 * Here a check is scheduled only when a request waits (in 10 ms, or when the
 * broker's throttle ends) or a throttle is in force, exactly as before; with
 * nothing waiting nothing is scheduled, which loses no wake-up: `push` schedules
 * when it queues a request and every response or timeout checks the queue.
 * Idempotent; applies to every kafkajs client of the process, since the class
 * is shared through the module cache.
 */
export function fixKafkajsRequestQueue(): void {
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals & { [FIXED]?: true } };
  const proto = RequestQueue.prototype;
  if (proto[FIXED]) return;
  if (typeof proto.scheduleCheckPendingRequests !== 'function') {
    throw new Error('kafkajs changed: RequestQueue.scheduleCheckPendingRequests is gone; review src/sources/kafka/kafkajs-request-queue.ts');
  }
  proto.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
    if (this.throttleCheckTimeoutId) return;
    const throttledForMs = this.throttledUntil - Date.now();
    if (this.pending.length === 0 && throttledForMs <= 0) return;
    const delayMs = throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delayMs);
  };
  proto[FIXED] = true;
}
