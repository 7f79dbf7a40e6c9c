/**
 * One identifier's person, as `journeys person` shows it: the person (or,
 * for a shared device, the persons) its events belong to, and the person's
 * identifiers, sessions, journeys and events (docs/semantics.md, "People").
 */
import type { Store } from '../stores/store.js';
import {
  readAssignments,
  readPersonEvents,
  readPersonIdentifiers,
  readPersonJourneys,
  readSessions,
  type PersonEvent,
  type PersonIdentifier,
  type PersonJourney,
  type PersonSession,
} from './person-reader.js';
import type { TimeRange } from './time-range.js';

export interface PersonTimeline {
  kind: 'person';
  pipeline: string;
  /** As looked up. */
  identifier: string;
  personId: string;
  /** When the identifier's events start to count for the person ([0]: always). */
  fromMs: number[];
  identifiers: PersonIdentifier[];
  sessions: PersonSession[];
  journeys: PersonJourney[];
  events: PersonEvent[];
  /** Events of a device older than its first login's lookback: they stay its own, not the person's. */
  ownEvents: PersonEvent[];
}

/** A shared device: several persons log in on it, each owns its events from their login on. */
export interface SharedIdentifier {
  kind: 'shared';
  pipeline: string;
  identifier: string;
  persons: Array<{ personId: string; fromMs: number[]; deviceEvents: number }>;
  ownEvents: PersonEvent[];
}

export interface UnknownIdentifier {
  kind: 'unknown';
  pipeline: string;
  identifier: string;
}

export type PersonLookup = PersonTimeline | SharedIdentifier | UnknownIdentifier;

/**
 * Looks `identifier` up in the pipeline's stitching: one person (its whole
 * timeline, events within the range), several (a shared device: listed),
 * or none (no assignment, no event, no journey at any time).
 */
export async function readPersonTimeline(store: Store, options: { pipeline: string; identifier: string; range: TimeRange }): Promise<PersonLookup> {
  const { pipeline, identifier, range } = options;
  const assignments = await readAssignments(store, pipeline, identifier);
  const events = await readPersonEvents(store, { pipeline, identifier, range });
  const personIds = [...new Set(assignments.map((a) => a.personId))];
  const fromOf = (personId: string) => assignments.filter((a) => a.personId === personId).map((a) => a.fromMs);
  // With assignments, events whose person is the identifier itself are a device's from before its first login's lookback.
  const ownEvents = personIds.length > 0 && !personIds.includes(identifier) ? events.filter((e) => e.personId === identifier) : [];
  if (personIds.length > 1) {
    const onDevice = (e: PersonEvent) => e.key === identifier || e.identifier === identifier;
    const persons = personIds.map((personId) => ({
      personId,
      fromMs: fromOf(personId),
      deviceEvents: events.filter((e) => e.personId === personId && onDevice(e)).length,
    }));
    return { kind: 'shared', pipeline, identifier, persons, ownEvents };
  }
  const personId = personIds[0] ?? identifier;
  const journeys = await readPersonJourneys(store, { pipeline, personId, range });
  if (personIds.length === 0 && events.length === 0 && journeys.length === 0) {
    const anyTime = range.fromMs === undefined && range.toMs === undefined;
    const known = !anyTime && ((await readPersonEvents(store, { pipeline, identifier, range: {} })).length > 0 || (await readPersonJourneys(store, { pipeline, personId, range: {} })).length > 0);
    if (!known) return { kind: 'unknown', pipeline, identifier };
  }
  const personEvents = events.filter((e) => e.personId === personId);
  const sessions = await readSessions(store, {
    pipeline,
    keys: personEvents.map((e) => e.key),
    sessionIds: personEvents.map((e) => e.sessionId).filter((id) => id !== ''),
  });
  return {
    kind: 'person',
    pipeline,
    identifier,
    personId,
    fromMs: personIds.length === 0 ? [0] : fromOf(personId),
    identifiers: await readPersonIdentifiers(store, pipeline, personId),
    sessions,
    journeys,
    events: personEvents,
    ownEvents,
  };
}
