import { hash53 } from '../core/hash.js';

/** Per-event facts a session record is built from; shared between events when equal. */
export interface EventMeta {
  channel: string;
  campaign: string;
  device: string;
  browser: string;
  os: string;
  country: string;
  segment: string;
  sourceSessionId: string;
}

/**
 * What an open session keeps of each event: deliberately small, because memory
 * is bounded by open sessions × events per session. The event id is kept only
 * as a 31-bit hash (dedup and session ids); the full event lives in the store.
 */
export interface SessionEvent {
  timestampMs: number;
  stageIndex: number;
  /** 1-based stage whose `exclude` rules the event matches (absent or 0: none). */
  exclusionIndex?: number;
  idHash: number;
  touchpoint: string;
  meta: EventMeta;
}

const META_POOL_LIMIT = 50_000;
/** Metas by a hash of their fields; an entry that collides is simply replaced (the pool only saves memory). */
const metaPool = new Map<number, EventMeta>();

/** A 32-bit FNV-1a hash of the fields, NUL-separated: no key string to build (building one was ~2/3 of interning). */
function metaHash(meta: EventMeta): number {
  let hash = 0x811c9dc5;
  for (const text of [meta.channel, meta.campaign, meta.device, meta.browser, meta.os, meta.country, meta.segment, meta.sourceSessionId]) {
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16_777_619);
    hash = Math.imul(hash, 16_777_619);
  }
  return hash >>> 0;
}

/**
 * One shared copy of each distinct meta: visitors repeat a few thousand
 * combinations of channel, device, country…, and an open session should not
 * carry its own copy of them.
 */
export function internMeta(meta: EventMeta): EventMeta {
  const hash = metaHash(meta);
  const pooled = metaPool.get(hash);
  if (pooled && sameMeta(pooled, meta)) return pooled;
  if (metaPool.size >= META_POOL_LIMIT) metaPool.clear();
  metaPool.set(hash, meta);
  return meta;
}

export function sameMeta(a: EventMeta, b: EventMeta): boolean {
  return (
    a.channel === b.channel &&
    a.campaign === b.campaign &&
    a.device === b.device &&
    a.browser === b.browser &&
    a.os === b.os &&
    a.country === b.country &&
    a.segment === b.segment &&
    a.sourceSessionId === b.sourceSessionId
  );
}

/**
 * 31 bits of the event id's hash: a small integer V8 stores inline (a 53-bit
 * one costs a heap number per event). It only has to tell apart events of one
 * identity with the same millisecond, where a collision is a 2^-31 chance.
 */
export function eventIdHash(eventId: string): number {
  return hash53(eventId) % 2_147_483_648;
}

const TOUCHPOINT_POOL_LIMIT = 50_000;
const touchpointPool = new Map<string, string>();

/**
 * One copy of each touchpoint string: JSON.parse gives every event its own
 * copy of "Product Viewed" or "/cart", and open sessions would keep them all.
 */
function internTouchpoint(touchpoint: string): string {
  const pooled = touchpointPool.get(touchpoint);
  if (pooled !== undefined) return pooled;
  if (touchpointPool.size >= TOUCHPOINT_POOL_LIMIT) touchpointPool.clear();
  touchpointPool.set(touchpoint, touchpoint);
  return touchpoint;
}

/**
 * What an open session keeps of a decoded event. The meta is interned by the
 * sessionizer, and only when it differs from the session's previous event's
 * (most events repeat it; building the pool key for each was measurable).
 */
export function toSessionEvent(event: {
  timestampMs: number;
  stageIndex: number;
  exclusionIndex?: number;
  eventId: string;
  touchpoint: string;
  meta: EventMeta;
}): SessionEvent {
  const sessionEvent: SessionEvent = {
    timestampMs: event.timestampMs,
    stageIndex: event.stageIndex,
    idHash: eventIdHash(event.eventId),
    touchpoint: internTouchpoint(event.touchpoint),
    meta: event.meta,
  };
  // Absent unless the event is an exclusion (most are not); open groups keep it inside the packed code either way.
  if (event.exclusionIndex) sessionEvent.exclusionIndex = event.exclusionIndex;
  return sessionEvent;
}

/**
 * The one order of events inside a session: time, then stage (as windowFunnel
 * sorts), then id hash, so the order never depends on arrival order.
 */
export function compareSessionEvents(a: SessionEvent, b: SessionEvent): number {
  return a.timestampMs - b.timestampMs || a.stageIndex - b.stageIndex || a.idHash - b.idHash;
}

/** Group key: the identity key, plus the source's session id when sessions follow it. */
export function groupKeyOf(key: string, sourceSessionId: string, useSourceSessionId: boolean): string {
  return useSourceSessionId && sourceSessionId ? `${key}\u0000${sourceSessionId}` : key;
}
