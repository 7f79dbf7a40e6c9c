/**
 * The collector's backpressure: the bytes of requests read and not yet
 * answered (waiting for Kafka or the store) are bounded, so a slow or
 * dead sink makes the collector answer 503 with Retry-After instead of
 * holding more and more requests in memory.
 */
export class InFlightBytes {
  private used = 0;

  constructor(readonly limit: number) {}

  get bytes(): number {
    return this.used;
  }

  /** Reserves `bytes` when they fit (one request is always let in when nothing else is in flight). */
  tryReserve(bytes: number): boolean {
    if (this.used > 0 && this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
