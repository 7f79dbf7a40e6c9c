/** Builders for hand-written test events (Segment messages and CRM envelopes) as NDJSON lines. */
let counter = 0;

export interface TrackOptions {
  id?: string;
  anonymousId?: string;
  userId?: string;
  at: string | number;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

function iso(at: string | number): string {
  return typeof at === 'number' ? new Date(at).toISOString() : at;
}

export function track(event: string, options: TrackOptions): string {
  return JSON.stringify({
    type: 'track',
    event,
    messageId: options.id ?? `m${++counter}`,
    anonymousId: options.anonymousId ?? 'anon-1',
    ...(options.userId ? { userId: options.userId } : {}),
    timestamp: iso(options.at),
    properties: options.properties ?? {},
    context: options.context ?? {},
  });
}

export function page(path: string, options: TrackOptions): string {
  return JSON.stringify({
    type: 'page',
    name: path,
    messageId: options.id ?? `m${++counter}`,
    anonymousId: options.anonymousId ?? 'anon-1',
    timestamp: iso(options.at),
    properties: options.properties ?? {},
    context: { page: { path, url: `https://shop.example${path}` }, ...(options.context ?? {}) },
  });
}

/** Minutes after a fixed base time, as ms. */
export const BASE_MS = Date.UTC(2026, 10, 2, 10, 0, 0);
export function at(minutes: number): number {
  return BASE_MS + Math.round(minutes * 60_000);
}
