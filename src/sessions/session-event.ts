import type { ClassifiedEvent } from '../journey/classify.js';
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
 * as a 53-bit hash (dedup and session ids); the full event lives in the store.
 */
export interface SessionEvent {
  timestampMs: number;
  stageIndex: number;
  idHash: number;
  touchpoint: string;
  meta: EventMeta;
}

export function metaOf(classified: ClassifiedEvent): EventMeta {
  return {
    channel: classified.channel,
    campaign: classified.event.campaign.name,
    device: classified.device,
    browser: classified.browser,
    os: classified.os,
    country: classified.event.country,
    segment: classified.segment,
    sourceSessionId: classified.event.sourceSessionId,
  };
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

export function toSessionEvent(classified: ClassifiedEvent, previousMeta?: EventMeta): SessionEvent {
  const meta = metaOf(classified);
  return {
    timestampMs: classified.event.timestampMs,
    stageIndex: classified.stageIndex,
    idHash: hash53(classified.event.eventId),
    touchpoint: classified.touchpoint,
    meta: previousMeta && sameMeta(previousMeta, meta) ? previousMeta : meta,
  };
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
