/** `journeys person` output: a readable timeline, or one JSON object with the same content. */
import { renderTable } from './table.js';
import type { PersonEvent } from '../metrics/person-reader.js';
import type { PersonTimeline, SharedIdentifier } from '../metrics/person-timeline.js';

/** UTC time as 'YYYY-MM-DD hh:mm:ss', with milliseconds only when there are some. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace('Z', '');
}

/** An assignment's start: 0 (or before) means from the identifier's first event. */
function fromText(fromMs: readonly number[]): string {
  return fromMs.map((ms) => (ms <= 0 ? 'always' : formatTime(ms))).join(', ');
}

function isoOrNull(ms: number | null): string | null {
  return ms === null || ms <= 0 ? null : new Date(ms).toISOString();
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the event was: its name (a page's path, a track's event), a CRM change with where it moved to, a survey answer with its score. */
export function describeEvent(event: PersonEvent): string {
  const name = event.name || event.type;
  if (event.nps !== null) return `${name}: NPS ${event.nps}`;
  if (event.csat !== null) return `${name}: CSAT ${event.csat}`;
  if (event.source === 'crm' && event.crmTo) return `${name} → ${event.crmTo}`;
  return name;
}

/** The level each mode reached, with its stage's name: "5 won". */
function levelText(level: number | undefined, stageNames: readonly string[]): string | null {
  if (level === undefined) return null;
  return level === 0 ? '0' : `${level} ${stageNames[level - 1] ?? '?'}`;
}

const MODES = ['reached', 'ordered', 'strict', 'any'] as const;

export function renderPersonTimeline(timeline: PersonTimeline, stageNames: readonly string[]): string {
  const parts: string[] = [];
  const always = timeline.fromMs.every((ms) => ms <= 0);
  const heading =
    timeline.identifier === timeline.personId
      ? `Person ${timeline.personId} (pipeline ${timeline.pipeline})`
      : `Person ${timeline.personId} (pipeline ${timeline.pipeline}): ${timeline.identifier} is one of their identifiers` +
        (always ? '' : `, its events count from ${fromText(timeline.fromMs)}`);
  parts.push(
    heading,
    `${plural(timeline.identifiers.length, 'identifier')}, ${plural(timeline.events.length, 'event')} in ${plural(timeline.sessions.length, 'session')}, ${plural(timeline.journeys.length, 'journey')}`,
  );
  if (timeline.ownEvents.length > 0) {
    const last = timeline.ownEvents[timeline.ownEvents.length - 1]!;
    parts.push(`(${timeline.identifier} also has ${plural(timeline.ownEvents.length, 'event')} of its own, up to ${formatTime(last.timeMs)}: older than its first login's lookback, not ${timeline.personId}'s)`);
  }
  parts.push(
    '',
    'Identifiers',
    renderTable(
      ['identifier', 'kind', 'first linked', 'counts from', 'shared with'],
      timeline.identifiers.map((entry) => [
        entry.identifier,
        entry.kind ?? '?',
        entry.firstLinkedMs === null ? null : formatTime(entry.firstLinkedMs),
        fromText(entry.fromMs),
        // A text, not null: a column of nulls only would be aligned as numbers.
        entry.sharedWith.length === 0 ? '—' : entry.sharedWith.join(', '),
      ]),
    ),
  );
  const number = new Map(timeline.sessions.map((session, i) => [session.sessionId, i + 1]));
  parts.push(
    '',
    'Sessions',
    timeline.sessions.length === 0
      ? '(none)'
      : renderTable(
          ['#', 'start', 'end', 'key', 'device', 'channel', 'events', 'stages'],
          timeline.sessions.map((s, i) => [i + 1, formatTime(s.startMs), formatTime(s.endMs), s.key, s.device, s.channel, s.eventCount, s.stages.join(' → ') || null]),
        ),
    '',
    `Journeys (key ${timeline.personId}; level per mode)`,
    timeline.journeys.length === 0
      ? '(none)'
      : renderTable(
          ['start', 'end', 'open', 'events', 'stage reached', 'converted', ...MODES],
          timeline.journeys.map((j) => [
            formatTime(j.startMs),
            formatTime(j.endMs),
            j.open ? 'yes' : 'no',
            j.eventCount,
            j.furthestStage || null,
            j.converted ? 'yes' : 'no',
            ...MODES.map((mode) => levelText(j.levels[mode], stageNames)),
          ]),
        ),
    '',
    'Events',
    timeline.events.length === 0
      ? '(none)'
      : renderTable(
          ['time', 'identifier', 'session', 'source', 'event', 'stage', 'channel', 'touchpoint'],
          timeline.events.map((e) => [
            formatTime(e.timeMs),
            e.identifier,
            number.get(e.sessionId) ?? null,
            e.source,
            describeEvent(e),
            e.stage || null,
            e.channel || null,
            e.touchpoint || null,
          ]),
        ),
  );
  return parts.join('\n');
}

export function renderShared(shared: SharedIdentifier): string {
  const lines = [
    `${shared.identifier} is a shared device (pipeline ${shared.pipeline}): its events belong to ${shared.persons.length} persons, each from their login on (the first login reaching back the lookback)`,
    renderTable(
      ['person', 'counts from', 'device events'],
      shared.persons.map((p) => [p.personId, fromText(p.fromMs), p.deviceEvents]),
    ),
  ];
  if (shared.ownEvents.length > 0) lines.push(`(and ${plural(shared.ownEvents.length, 'event')} of its own, older than its first login's lookback)`);
  lines.push(`See one of them with: journeys person ${shared.persons[0]!.personId} --pipeline ${shared.pipeline}`);
  return lines.join('\n');
}

function eventJson(e: PersonEvent) {
  return {
    time: new Date(e.timeMs).toISOString(),
    identifier: e.identifier,
    key: e.key,
    session_id: e.sessionId || null,
    source: e.source,
    type: e.type,
    name: e.name,
    stage: e.stage || null,
    channel: e.channel,
    touchpoint: e.touchpoint,
    device: e.device,
    crm_to: e.crmTo || null,
    nps: e.nps,
    csat: e.csat,
    event_id: e.eventId,
  };
}

/** The timeline as one JSON value: times as ISO text, `counts_from` null = always. */
export function personTimelineJson(timeline: PersonTimeline) {
  return {
    pipeline: timeline.pipeline,
    identifier: timeline.identifier,
    shared: false,
    person_id: timeline.personId,
    counts_from: timeline.fromMs.map(isoOrNull),
    identifiers: timeline.identifiers.map((entry) => ({
      identifier: entry.identifier,
      kind: entry.kind ?? null,
      first_linked: isoOrNull(entry.firstLinkedMs),
      counts_from: entry.fromMs.map(isoOrNull),
      shared_with: entry.sharedWith,
    })),
    sessions: timeline.sessions.map((s) => ({
      session_id: s.sessionId,
      key: s.key,
      start: new Date(s.startMs).toISOString(),
      end: new Date(s.endMs).toISOString(),
      events: s.eventCount,
      device: s.device,
      channel: s.channel,
      stages: s.stages,
    })),
    journeys: timeline.journeys.map((j) => ({
      journey_id: j.journeyId,
      start: new Date(j.startMs).toISOString(),
      end: new Date(j.endMs).toISOString(),
      open: j.open,
      events: j.eventCount,
      stage_reached: j.furthestStage || null,
      converted: j.converted,
      levels: j.levels,
    })),
    events: timeline.events.map(eventJson),
    own_events: timeline.ownEvents.length,
  };
}

export function sharedJson(shared: SharedIdentifier) {
  return {
    pipeline: shared.pipeline,
    identifier: shared.identifier,
    shared: true,
    persons: shared.persons.map((p) => ({ person_id: p.personId, counts_from: p.fromMs.map(isoOrNull), device_events: p.deviceEvents })),
    own_events: shared.ownEvents.length,
  };
}
