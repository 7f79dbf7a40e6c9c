import type { ClassifiedEvent } from '../journey/classify.js';
import type { SessionRecord } from '../sessions/session-record.js';
import { describeOrigin, type DeadLetter } from '../core/result.js';
import { stableId } from '../core/hash.js';

/**
 * Settings every insert of these rows needs: an object in a String column is
 * read as its JSON text (the events' properties).
 */
export const ROW_INSERT_SETTINGS = { input_format_json_read_objects_as_strings: 1 } as const;

/**
 * Rows are written as JSONCompactEachRow: one JSON array per row in a fixed
 * column order. Arrays skip the per-row key names of JSONEachRow, which makes
 * serialisation (the costliest JS step of the write path) markedly cheaper;
 * RowBuffer.pushRows serialises a whole chunk of rows with one call.
 */
export const EVENT_COLUMNS = [
  'pipeline', 'stream', 'key', 'ts', 'event_id', 'received_at', 'source', 'type', 'name', 'stage_index', 'stage',
  'exclusion_index', 'channel', 'touchpoint', 'campaign_source', 'campaign_medium', 'campaign_name', 'page_path', 'referrer',
  'device', 'browser', 'os', 'country', 'locale', 'segment', 'anonymous_id', 'user_id', 'contact_id',
  'email_hash', 'source_session_id', 'nps', 'csat', 'properties',
] as const;

/** One events row: its values in EVENT_COLUMNS order. */
export function eventRow(where: { pipeline: string; stream: string; stageNames: readonly string[] }, c: ClassifiedEvent): unknown[] {
  const e = c.event;
  const stageNames = where.stageNames;
  return [
    where.pipeline, where.stream, e.key, e.timestampMs, e.eventId, e.receivedAtMs, e.source, e.type, e.name, c.stageIndex,
    c.stageIndex > 0 ? stageNames[c.stageIndex - 1] : '', c.exclusionIndex, c.channel, c.touchpoint, e.campaign.source,
    e.campaign.medium, e.campaign.name, e.pagePath, e.referrer, c.device, c.browser, c.os, e.country, e.locale,
    c.segment, e.anonymousId, e.userId, e.contactId, e.emailHash, e.sourceSessionId, e.nps, e.csat,
    // The object itself, not its JSON in a string: the stores insert with
    // input_format_json_read_objects_as_strings, so the String column gets
    // exactly JSON.stringify(properties), without a second escaping pass.
    e.properties,
  ];
}

export const SESSION_COLUMNS = [
  'pipeline', 'stream', 'key', 'session_id', 'version', 'is_deleted', 'is_open', 'source_session_id', 'start', 'end',
  'event_count', 'path_stages', 'path_times', 'funnel_modes', 'funnel_levels', 'funnel_skipped', 'funnel_excluded',
  'funnel_reached', 'funnel_step_ms', 'progress_path', 'touchpoint_path', 'furthest_stage', 'exit_stage', 'entry_channel', 'entry_campaign', 'entry_touchpoint',
  'exit_touchpoint', 'converted', 'abandonment_modes', 'abandonment_rules', 'abandonment_outcomes', 'abandonment_started', 'device',
  'browser', 'os', 'country', 'segment',
] as const satisfies ReadonlyArray<keyof SessionRecord>;

/** One sessions row in SESSION_COLUMNS order (a test checks it): an array literal, because looking fields up by column name cost ~20% of a row. */
export function sessionRow(r: SessionRecord): unknown[] {
  return [
    r.pipeline, r.stream, r.key, r.session_id, r.version, r.is_deleted, r.is_open, r.source_session_id, r.start, r.end,
    r.event_count, r.path_stages, r.path_times, r.funnel_modes, r.funnel_levels, r.funnel_skipped, r.funnel_excluded,
    r.funnel_reached, r.funnel_step_ms, r.progress_path, r.touchpoint_path, r.furthest_stage, r.exit_stage, r.entry_channel, r.entry_campaign, r.entry_touchpoint,
    r.exit_touchpoint, r.converted, r.abandonment_modes, r.abandonment_rules, r.abandonment_outcomes, r.abandonment_started, r.device,
    r.browser, r.os, r.country, r.segment,
  ];
}

/** identity_links rows (sql/migrations/008_identity.sql): each link in both directions. */
export const IDENTITY_LINK_COLUMNS = ['pipeline', 'identifier', 'other', 'first_seen', 'forced', 'event_id'] as const;

export const DEAD_LETTER_COLUMNS = ['pipeline', 'id', 'received_at', 'origin_kind', 'origin', 'step', 'reason', 'issues', 'raw', 'raw_base64'] as const;

/** One dead_letters row in DEAD_LETTER_COLUMNS order. */
export function deadLetterRow(pipeline: string, letter: DeadLetter): unknown[] {
  const origin = describeOrigin(letter.origin);
  return [
    pipeline, stableId(origin, letter.raw), letter.receivedAtMs, letter.origin.kind, origin, letter.step,
    letter.reason, JSON.stringify(letter.issues), letter.raw, letter.bytes ? Buffer.from(letter.bytes.buffer, letter.bytes.byteOffset, letter.bytes.byteLength).toString('base64') : '',
  ];
}
