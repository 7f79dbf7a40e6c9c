/**
 * NDJSON lines for the identity scenarios (tests/integration/identity-scenarios-*.test.ts):
 * Segment calls and CRM envelopes with fixed ids (the argument `id`), so two
 * pipelines can ingest the very same lines.
 */
export const MIN = 60_000;
export const H = 3_600_000;
export const DAY = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();

export type Ids = { anonymousId?: string; userId?: string };
export const page = (id: string, ms: number, ids: Ids, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'page', messageId: id, ...ids, timestamp: iso(ms), name: '/', properties: {}, context: {}, ...extra });
export const signup = (id: string, ms: number, ids: Ids, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'track', event: 'Signed Up', messageId: id, ...ids, timestamp: iso(ms), properties: {}, context: {}, ...extra });
export const identify = (id: string, ms: number, ids: Ids, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'identify', messageId: id, ...ids, timestamp: iso(ms), context: {}, ...extra });
export const alias = (id: string, ms: number, previousId: string, userId: string) =>
  JSON.stringify({ type: 'alias', previousId, userId, messageId: id, timestamp: iso(ms) });
export const crm = (id: string, kind: string, ms: number, detail: Record<string, unknown>, ids: Record<string, string>) =>
  JSON.stringify({ source: 'crm', id, kind, occurredAt: iso(ms), ...ids, ...detail });
export const lifecycle = (id: string, ms: number, to: string, ids: Record<string, string>) => crm(id, 'lifecycle_stage_changed', ms, { lifecycle: { to } }, ids);
