/**
 * What `journeys person` shows of one person, read from the store: the
 * stitched events (through the named query person_journey, the one place
 * that says which person an event belongs to outside the journey refresh),
 * the identifiers and their assignments, the sessions holding the events
 * and the person's journeys. Values travel as query parameters.
 */
import type { QueryParams, Store } from '../stores/store.js';
import { bindParams, loadNamedQuery } from '../stores/query-catalog.js';
import { inList } from '../stores/list-param.js';
import { identifierKind, type IdentifierKind } from '../events/identity.js';
import { ALL_TIME, type TimeRange } from './time-range.js';

/** One event of a person (a row of person_journey). */
export interface PersonEvent {
  personId: string;
  timeMs: number;
  /** The identifier that decided its person: its userId, contactId or email, else its device. */
  identifier: string;
  /** The event's identity key (the pipeline's identity order): the key of its session. */
  key: string;
  /** '' when no stored session starts at or before it (not sessionized yet). */
  sessionId: string;
  source: string;
  type: string;
  name: string;
  stage: string;
  channel: string;
  touchpoint: string;
  device: string;
  /** The lifecycle or deal stage a CRM change moved to, else ''. */
  crmTo: string;
  nps: number | null;
  csat: number | null;
  eventId: string;
}

/** From `fromMs` on, events stitched by the identifier belong to `personId`. */
export interface Assignment {
  personId: string;
  fromMs: number;
}

export interface PersonIdentifier {
  identifier: string;
  kind: IdentifierKind | undefined;
  /** The earliest event linking it to another identifier of the person; null for a person of one identifier. */
  firstLinkedMs: number | null;
  /** When its events start to count for this person (one per login on a device; [0] for the others, and for a person of one identifier). */
  fromMs: number[];
  /** The other persons its events belong to at other times (a shared device). */
  sharedWith: string[];
}

export interface PersonSession {
  sessionId: string;
  key: string;
  startMs: number;
  endMs: number;
  eventCount: number;
  device: string;
  channel: string;
  stages: string[];
}

export interface PersonJourney {
  journeyId: string;
  startMs: number;
  endMs: number;
  open: boolean;
  eventCount: number;
  furthestStage: string;
  converted: boolean;
  /** Mode → furthest stage entered (1-based, 0 = none). */
  levels: Record<string, number>;
}

/** DateTime64 text as ClickHouse prints it ('2026-10-01 10:00:00.000', UTC) → ms. */
function msOf(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

interface EventRow {
  person_id: string;
  ts: string;
  identifier: string;
  key: string;
  session_id: string;
  source: string;
  type: string;
  name: string;
  stage: string;
  channel: string;
  touchpoint: string;
  device: string;
  crm_to: string;
  nps: number | null;
  csat: number | null;
  event_id: string;
}

/**
 * The events of the persons `identifier` may belong to (its assignments and
 * itself), in time order, within the range: the named query
 * sql/queries/person_journey.sql. The range is taken to whole seconds.
 */
export async function readPersonEvents(store: Store, options: { pipeline: string; identifier: string; range: TimeRange }): Promise<PersonEvent[]> {
  const query = loadNamedQuery('person_journey');
  if (!query) throw new Error('sql/queries/person_journey.sql is missing');
  const given: Record<string, string> = { pipeline: options.pipeline, person: options.identifier };
  if (options.range.fromMs !== undefined) given['from'] = new Date(options.range.fromMs).toISOString();
  if (options.range.toMs !== undefined) given['to'] = new Date(options.range.toMs).toISOString();
  const rows = await store.query<EventRow>(query.sql, bindParams(query, given));
  return rows.map((row) => ({
    personId: row.person_id,
    timeMs: msOf(row.ts),
    identifier: row.identifier,
    key: row.key,
    sessionId: row.session_id,
    source: row.source,
    type: row.type,
    name: row.name,
    stage: row.stage,
    channel: row.channel,
    touchpoint: row.touchpoint,
    device: row.device,
    crmTo: row.crm_to,
    nps: row.nps === null ? null : Number(row.nps),
    csat: row.csat === null ? null : Number(row.csat),
    eventId: row.event_id,
  }));
}

/** The live assignments of one identifier (person_of), in time order: several persons for a shared device. */
export async function readAssignments(store: Store, pipeline: string, identifier: string): Promise<Assignment[]> {
  const rows = await store.query<{ person_id: string; from_ms: number | string }>(
    `SELECT person_id, from_ms FROM identity_persons FINAL
      WHERE pipeline = {pipeline:String} AND identifier = {identifier:String} AND is_deleted = 0
      ORDER BY from_ms, person_id`,
    { pipeline, identifier },
  );
  return rows.map((row) => ({ personId: row.person_id, fromMs: Number(row.from_ms) }));
}

/**
 * The identifiers of a person: those assigned to it at some time (and the
 * person id itself), each with the earliest link to another of them and
 * the other persons it is assigned to. The person id comes first, then by
 * first link and text.
 */
export async function readPersonIdentifiers(store: Store, pipeline: string, personId: string): Promise<PersonIdentifier[]> {
  const members = `SELECT identifier FROM identity_persons FINAL
     WHERE pipeline = {pipeline:String} AND person_id = {person:String} AND is_deleted = 0`;
  const rows = await store.query<{ identifier: string; from_ms: Array<number | string>; others: string[]; first_linked_ms: number | string | null }>(
    `SELECT a.identifier AS identifier, a.from_ms AS from_ms, a.others AS others, l.first_linked_ms AS first_linked_ms
       FROM (SELECT identifier, arraySort(groupArrayIf(from_ms, person_id = {person:String})) AS from_ms,
                    arraySort(groupUniqArrayIf(person_id, person_id != {person:String})) AS others
               FROM identity_persons FINAL
              WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND identifier IN (${members})
              GROUP BY identifier) AS a
       LEFT JOIN (SELECT identifier, toNullable(toUnixTimestamp64Milli(min(first_seen))) AS first_linked_ms
                    FROM identity_links
                   WHERE pipeline = {pipeline:String} AND identifier IN (${members}) AND other IN (${members})
                   GROUP BY identifier) AS l ON a.identifier = l.identifier
      SETTINGS join_use_nulls = 1, output_format_json_quote_64bit_integers = 0`,
    { pipeline, person: personId },
  );
  const identifiers: PersonIdentifier[] = rows.map((row) => ({
    identifier: row.identifier,
    kind: identifierKind(row.identifier),
    firstLinkedMs: row.first_linked_ms === null ? null : Number(row.first_linked_ms),
    fromMs: row.from_ms.map(Number),
    sharedWith: row.others,
  }));
  // A person of one identifier (never linked) has no assignment row.
  if (!identifiers.some((entry) => entry.identifier === personId)) {
    identifiers.push({ identifier: personId, kind: identifierKind(personId), firstLinkedMs: null, fromMs: [0], sharedWith: [] });
  }
  const rank = (entry: PersonIdentifier) => (entry.identifier === personId ? -Infinity : (entry.firstLinkedMs ?? Infinity));
  return identifiers.sort((a, b) => rank(a) - rank(b) || (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
}

/** The stored sessions with these ids, of these keys, in start order. */
export async function readSessions(store: Store, options: { pipeline: string; keys: readonly string[]; sessionIds: readonly string[] }): Promise<PersonSession[]> {
  if (options.sessionIds.length === 0) return [];
  const params: QueryParams = { pipeline: options.pipeline };
  const rows = await store.query<{
    session_id: string;
    key: string;
    start: string;
    end: string;
    event_count: number | string;
    device: string;
    entry_channel: string;
    path_stages: string[];
  }>(
    `SELECT session_id, key, start, end, event_count, device, entry_channel, path_stages FROM sessions FINAL
      WHERE pipeline = {pipeline:String} AND ${inList('key', [...new Set(options.keys)], params, 'keys')}
        AND ${inList('session_id', [...new Set(options.sessionIds)], params, 'session_ids')} AND is_deleted = 0
      ORDER BY start, session_id`,
    params,
  );
  return rows.map((row) => ({
    sessionId: row.session_id,
    key: row.key,
    startMs: msOf(row.start),
    endMs: msOf(row.end),
    eventCount: Number(row.event_count),
    device: row.device,
    channel: row.entry_channel,
    stages: row.path_stages,
  }));
}

/** The person's journeys (the journeys table, key = person id) that overlap the range, in start order. */
export async function readPersonJourneys(store: Store, options: { pipeline: string; personId: string; range: TimeRange }): Promise<PersonJourney[]> {
  const rows = await store.query<{
    journey_id: string;
    start: string;
    end: string;
    is_open: number;
    event_count: number | string;
    furthest_stage: string;
    converted: number;
    funnel_modes: string[];
    funnel_levels: number[];
  }>(
    `SELECT journey_id, start, end, is_open, event_count, furthest_stage, converted, funnel_modes, funnel_levels FROM journeys FINAL
      WHERE pipeline = {pipeline:String} AND key = {person:String} AND is_deleted = 0
        AND end >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND start < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')
      ORDER BY start, journey_id`,
    { pipeline: options.pipeline, person: options.personId, from_ms: options.range.fromMs ?? ALL_TIME.fromMs, to_ms: options.range.toMs ?? ALL_TIME.toMs },
  );
  return rows.map((row) => ({
    journeyId: row.journey_id,
    startMs: msOf(row.start),
    endMs: msOf(row.end),
    open: Number(row.is_open) === 1,
    eventCount: Number(row.event_count),
    furthestStage: row.furthest_stage,
    converted: Number(row.converted) === 1,
    levels: Object.fromEntries(row.funnel_modes.map((mode, i) => [mode, Number(row.funnel_levels[i] ?? 0)])),
  }));
}
