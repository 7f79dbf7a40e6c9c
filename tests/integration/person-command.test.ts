import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { writeTemp } from '../helpers/store.js';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { hashEmail } from '../../src/core/hash.js';
import { personPipelineYaml } from '../helpers/person-pipeline.js';

/**
 * `journeys person` on the worked example of docs/semantics.md ("People"),
 * every value computed by hand from the spec (lookback 30 days, default
 * limits, inactivity gap 30 minutes). Day 0 = 2026-10-01.
 *   phone a:A    page /pricing day 0 10:00, identify as u:U 10:05, Signed Up 10:06 (with U)
 *   desktop a:B  page /docs day 1 09:00, identify as u:U 09:10
 *   CRM c:C      lead day 2 10:00 (with userId U and email someone@example.com), MQL 11:00,
 *                deal closed_won day 9 10:00, NPS 9 day 20 10:00
 * Links: A–U day 0 10:05, B–U day 1 09:10, C–U, C–e and U–e day 2 10:00. One person u:U of five
 * identifiers; a device counts from its login minus the lookback (A from 2026-09-01 10:05, B from
 * 2026-09-02 09:10), the others always. Sessions: a:A (3 events), a:B (2), and four of c:C (each CRM
 * event more than 30 minutes from the next). One journey (90 days): six staged events, level 5 in
 * every mode, converted.
 *
 * A second pipeline holds the spec's tablet a:T: u:U logs in on day 3, u:V on day 5. T's pages of
 * day 2 and day 4 are U's (within the lookback, and U the latest login), day 5's V's, and a page of
 * day −40 stays T's own (older than the lookback).
 */
const H = 3_600_000;
const DAY = 24 * H;
const M = 60_000;
const T0 = Date.UTC(2026, 9, 1, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const SALT = 'pepper';

let n = 0;
const segment = (type: string, ms: number, ids: { anonymousId: string; userId?: string }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, messageId: `s${++n}`, ...ids, timestamp: iso(ms), properties: {}, context: {}, ...extra });
const crm = (kind: string, ms: number, detail: Record<string, unknown>, ids: Record<string, string>) =>
  JSON.stringify({ source: 'crm', id: `crm${++n}`, kind, occurredAt: iso(ms), ...ids, ...detail });

const WORKED_EXAMPLE = [
  segment('page', T0, { anonymousId: 'A' }, { name: '/pricing' }),
  segment('identify', T0 + 5 * M, { anonymousId: 'A', userId: 'U' }),
  segment('track', T0 + 6 * M, { anonymousId: 'A', userId: 'U' }, { event: 'Signed Up' }),
  segment('page', T0 + DAY - H, { anonymousId: 'B' }, { name: '/docs' }),
  segment('identify', T0 + DAY - 50 * M, { anonymousId: 'B', userId: 'U' }),
  crm('lifecycle_stage_changed', T0 + 2 * DAY, { lifecycle: { from: 'subscriber', to: 'lead' } }, { contactId: 'C', userId: 'U', email: 'Someone@Example.com' }),
  crm('lifecycle_stage_changed', T0 + 2 * DAY + H, { lifecycle: { from: 'lead', to: 'mql' } }, { contactId: 'C' }),
  crm('deal_stage_changed', T0 + 9 * DAY, { deal: { dealId: 'd1', pipeline: 'sales', to: 'closed_won' } }, { contactId: 'C' }),
  crm('survey_answered', T0 + 20 * DAY, { survey: { type: 'nps', score: 9 } }, { contactId: 'C' }),
];

const TABLET = [
  segment('page', T0 - 40 * DAY, { anonymousId: 'T' }, { name: '/' }),
  segment('page', T0 + 2 * DAY, { anonymousId: 'T' }, { name: '/' }),
  segment('identify', T0 + 3 * DAY, { anonymousId: 'T', userId: 'U' }),
  segment('track', T0 + 3 * DAY + M, { anonymousId: 'T', userId: 'U' }, { event: 'Signed Up' }),
  segment('page', T0 + 4 * DAY, { anonymousId: 'T' }, { name: '/pricing' }),
  segment('identify', T0 + 5 * DAY, { anonymousId: 'T', userId: 'V' }),
  segment('page', T0 + 5 * DAY + H, { anonymousId: 'T' }, { name: '/docs' }),
];

const definition = (name: string) => personPipelineYaml(name);

interface PersonJson {
  identifier: string;
  shared: boolean;
  person_id: string;
  counts_from: Array<string | null>;
  identifiers: Array<{ identifier: string; kind: string; first_linked: string | null; counts_from: Array<string | null>; shared_with: string[] }>;
  sessions: Array<{ key: string; start: string; end: string; events: number; stages: string[] }>;
  journeys: Array<{ start: string; end: string; events: number; stage_reached: string; converted: boolean; levels: Record<string, number> }>;
  events: Array<{ time: string; identifier: string; key: string; session_id: string | null; source: string; name: string; stage: string | null; crm_to: string | null; nps: number | null }>;
  own_events: number;
}

const EMAIL = `e:${hashEmail('someone@example.com', SALT)}`;

// Each CLI run opens the embedded engine (1–3 s on a busy machine): several per test.
describe('journeys person: one person across devices and the CRM', { timeout: 180_000 }, () => {
  const store = tempStore();
  const worked = writeTemp('p_person.yaml', [definition('p_person')]);
  const tablet = writeTemp('p_tablet.yaml', [definition('p_tablet')]);
  const person = (args: readonly string[], options: { pipeline?: string; env?: Record<string, string> } = {}) =>
    journeys(['person', ...args, '--pipeline', options.pipeline ?? worked, '--store', store], { env: options.env });
  const personJson = (args: readonly string[], options: { pipeline?: string; env?: Record<string, string> } = {}) => {
    const result = person([...args, '--json'], options);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as PersonJson;
  };

  beforeAll(() => {
    for (const [pipeline, lines] of [[worked, WORKED_EXAMPLE], [tablet, TABLET]] as const) {
      const ingest = journeys(['ingest', '--pipeline', pipeline, '--input', writeTemp('in.ndjson', lines), '--store', store], { env: { JOURNEYS_EMAIL_SALT: SALT } });
      expect(ingest.status, ingest.stderr).toBe(0);
    }
  });
  afterAll(() => rmSync(store.slice('embedded:'.length), { recursive: true, force: true }));

  it('--json: the identifiers, sessions, journey and events of the worked example', () => {
    const report = personJson(['--user', 'U']);
    expect(report).toMatchObject({ identifier: 'u:U', shared: false, person_id: 'u:U', counts_from: [null], own_events: 0 });
    expect(report.identifiers).toEqual([
      { identifier: 'u:U', kind: 'userId', first_linked: iso(T0 + 5 * M), counts_from: [null], shared_with: [] },
      { identifier: 'a:A', kind: 'anonymousId', first_linked: iso(T0 + 5 * M), counts_from: ['2026-09-01T10:05:00.000Z'], shared_with: [] },
      { identifier: 'a:B', kind: 'anonymousId', first_linked: iso(T0 + DAY - 50 * M), counts_from: ['2026-09-02T09:10:00.000Z'], shared_with: [] },
      { identifier: 'c:C', kind: 'contactId', first_linked: iso(T0 + 2 * DAY), counts_from: [null], shared_with: [] },
      { identifier: EMAIL, kind: 'emailHash', first_linked: iso(T0 + 2 * DAY), counts_from: [null], shared_with: [] },
    ]);
    expect(report.sessions.map((s) => [s.key, s.start, s.events, s.stages])).toEqual([
      ['a:A', iso(T0), 3, ['visit', 'signup']],
      ['a:B', iso(T0 + DAY - H), 2, ['visit']],
      ['c:C', iso(T0 + 2 * DAY), 1, ['lead']],
      ['c:C', iso(T0 + 2 * DAY + H), 1, ['mql']],
      ['c:C', iso(T0 + 9 * DAY), 1, ['won']],
      ['c:C', iso(T0 + 20 * DAY), 1, []],
    ]);
    expect(report.journeys).toMatchObject([
      { start: iso(T0), end: iso(T0 + 9 * DAY), events: 6, stage_reached: 'won', converted: true, levels: { reached: 5, ordered: 5, strict: 5, any: 5 } },
    ]);
    expect(report.events).toHaveLength(9);
    expect(report.events.map((e) => e.stage)).toEqual(['visit', null, 'signup', 'visit', null, 'lead', 'mql', 'won', null]);
    // The identifier that decided each event's person: the userId when the event has one, else the contact or the device.
    expect(report.events.map((e) => e.identifier)).toEqual(['a:A', 'u:U', 'u:U', 'a:B', 'u:U', 'u:U', 'c:C', 'c:C', 'c:C']);
    expect(report.events.map((e) => e.key)).toEqual(['a:A', 'a:A', 'a:A', 'a:B', 'a:B', 'c:C', 'c:C', 'c:C', 'c:C']);
    expect(report.events.map((e) => e.time)).toEqual(
      [0, 5 * M, 6 * M, DAY - H, DAY - 50 * M, 2 * DAY, 2 * DAY + H, 9 * DAY, 20 * DAY].map((ms) => iso(T0 + ms)),
    );
    expect(report.events.every((e) => e.session_id !== null)).toBe(true);
    expect(report.events.slice(5).map((e) => [e.source, e.crm_to, e.nps])).toEqual([
      ['crm', 'lead', null],
      ['crm', 'mql', null],
      ['crm', 'closed_won', null],
      ['crm', null, 9],
    ]);
  });

  it('prints the same person for --user U and for the desktop a:B, as a readable timeline', () => {
    const byUser = person(['--user', 'U']);
    expect(byUser.status, byUser.stderr).toBe(0);
    const lines = byUser.stdout.split('\n');
    expect(lines[0]).toBe('Person u:U (pipeline p_person)');
    expect(lines[1]).toBe('5 identifiers, 9 events in 6 sessions, 1 journey');
    expect(byUser.stdout).toMatch(/^a:B\s+anonymousId\s+2026-10-02 09:10:00\s+2026-09-02 09:10:00\s+—$/m);
    expect(byUser.stdout).toMatch(/^2026-10-01 10:00:00\s+2026-10-10 10:00:00\s+yes\s+6\s+won\s+yes\s+5 won\s+5 won\s+5 won\s+5 won$/m);
    expect(byUser.stdout).toMatch(/^2026-10-02 09:00:00\s+a:B\s+2\s+site\s+\/docs\s+visit\s/m);
    expect(byUser.stdout).toMatch(/^2026-10-03 10:00:00\s+u:U\s+3\s+crm\s+lifecycle_stage_changed → lead\s+lead\s/m);
    expect(byUser.stdout).toMatch(/^2026-10-21 10:00:00\s+c:C\s+6\s+crm\s+survey_answered: NPS 9\s+—\s/m);

    const byDevice = person(['a:B']);
    expect(byDevice.status, byDevice.stderr).toBe(0);
    expect(byDevice.stdout.split('\n')[0]).toBe('Person u:U (pipeline p_person): a:B is one of their identifiers, its events count from 2026-09-02 09:10:00');
    // Everything after the heading is the same person's.
    expect(byDevice.stdout.split('\n').slice(1)).toEqual(lines.slice(1));
    const json = personJson(['a:B']);
    expect({ ...json, identifier: 'u:U', counts_from: [null] }).toEqual(personJson(['u:U']));
    expect(personJson(['c:C']).person_id).toBe('u:U');
  });

  it('--from/--to: the events in the range, the journeys that overlap it', () => {
    const report = personJson(['u:U', '--from', '2026-10-03T10:30:00Z', '--to', '2026-10-15T00:00:00Z']);
    expect(report.events.map((e) => e.stage)).toEqual(['mql', 'won']);
    expect(report.sessions).toHaveLength(2);
    expect(report.journeys).toHaveLength(1);
    expect(report.identifiers).toHaveLength(5);
  });

  it('--email hashes the address with JOURNEYS_EMAIL_SALT; without the salt it is refused, exit 2', () => {
    const report = personJson(['--email', 'someone@example.com'], { env: { JOURNEYS_EMAIL_SALT: SALT } });
    expect(report).toMatchObject({ identifier: EMAIL, person_id: 'u:U' });
    expect(report.events).toHaveLength(9);
    expect(personJson([EMAIL]).person_id).toBe('u:U');

    const noSalt = person(['--email', 'someone@example.com']);
    expect(noSalt.status).toBe(2);
    expect(noSalt.stdout).toBe('');
    expect(noSalt.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^journeys person: --email needs JOURNEYS_EMAIL_SALT/)]);

    const otherSalt = person(['--email', 'someone@example.com'], { env: { JOURNEYS_EMAIL_SALT: 'other' } });
    expect(otherSalt.status).toBe(2);
    expect(otherSalt.stderr).toMatch(/no person with identifier e:[0-9a-f]{64} in pipeline p_person.*is JOURNEYS_EMAIL_SALT the salt/);
  });

  it('an unknown identifier, or one without its kind, is a plain message and exit 2', () => {
    const unknown = person(['u:Nobody']);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr.trim()).toBe('journeys person: no person with identifier u:Nobody in pipeline p_person: no event, link or journey of it');
    const bare = person(['U']);
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/"U" is not an identifier: give it with its kind/);
    expect(person(['u:U', '--user', 'U']).status).toBe(2);
    expect(person([]).status).toBe(2);
  });

  it('a shared device lists its two persons; each person has its own part of it', () => {
    const text = person(['a:T'], { pipeline: tablet });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^a:T is a shared device \(pipeline p_tablet\): its events belong to 2 persons/);
    expect(text.stdout).toMatch(/^u:U\s+2026-09-04 10:00:00\s+4$/m);
    expect(text.stdout).toMatch(/^u:V\s+2026-10-06 10:00:00\s+2$/m);
    expect(text.stdout).toMatch(/and 1 event of its own/);
    expect(personJson(['a:T'], { pipeline: tablet })).toEqual({
      pipeline: 'p_tablet',
      identifier: 'a:T',
      shared: true,
      persons: [
        // U's login on day 3 reaches back the 30-day lookback; V's starts at V's login on day 5.
        { person_id: 'u:U', counts_from: ['2026-09-04T10:00:00.000Z'], device_events: 4 },
        { person_id: 'u:V', counts_from: ['2026-10-06T10:00:00.000Z'], device_events: 2 },
      ],
      own_events: 1,
    });
    const u = personJson(['u:U'], { pipeline: tablet });
    expect(u.identifiers.map((i) => [i.identifier, i.shared_with])).toEqual([['u:U', []], ['a:T', ['u:V']]]);
    expect(u.events.map((e) => [e.time, e.stage])).toEqual([
      [iso(T0 + 2 * DAY), 'visit'],
      [iso(T0 + 3 * DAY), null],
      [iso(T0 + 3 * DAY + M), 'signup'],
      [iso(T0 + 4 * DAY), 'visit'],
    ]);
    expect(personJson(['u:V'], { pipeline: tablet }).events.map((e) => e.time)).toEqual([iso(T0 + 5 * DAY), iso(T0 + 5 * DAY + H)]);
  });

  it('person_journey gives every event the person the journeys table counts it for', () => {
    for (const pipeline of ['p_person', 'p_tablet']) {
      const stored = journeys(['sql', 'SELECT key, toUInt32(sum(event_count)) AS events FROM journeys FINAL WHERE pipeline = {p:String} AND is_deleted = 0 GROUP BY key ORDER BY key',
        '--param', `p=${pipeline}`, '--format', 'json', '--store', store]);
      expect(stored.status, stored.stderr).toBe(0);
      const keys = JSON.parse(stored.stdout) as Array<{ key: string; events: number }>;
      // p_tablet: T's own page of day −40 is a journey of a:T.
      expect(keys.map((k) => k.key)).toEqual(pipeline === 'p_person' ? ['u:U'] : ['a:T', 'u:U', 'u:V']);
      for (const { key, events } of keys) {
        const rows = journeys(['sql', 'person_journey', '--param', `pipeline=${pipeline}`, '--param', `person=${key}`, '--format', 'json', '--store', store]);
        expect(rows.status, rows.stderr).toBe(0);
        // Every staged event lies in one journey of its person (no exclusions here).
        const staged = (JSON.parse(rows.stdout) as Array<{ person_id: string; stage: string }>).filter((r) => r.person_id === key && r.stage !== '');
        expect(staged.length, `${pipeline} ${key}`).toBe(events);
      }
    }
  });

  it('the stitch identifier of person_journey.sql is the one of journey-store.ts, letter for letter', () => {
    const multiIf = (text: string) => {
      const start = text.indexOf("multiIf(user_id != ''");
      let depth = 0;
      for (let i = start; i < text.length; i++) {
        if (text[i] === '(') depth++;
        if (text[i] === ')' && --depth === 0) return text.slice(start, i + 1).replace(/\s+/g, ' ');
      }
      return undefined;
    };
    const inSql = multiIf(readFileSync('sql/queries/person_journey.sql', 'utf8'));
    expect(inSql).toMatch(/^multiIf\(/);
    expect(inSql).toBe(multiIf(readFileSync('src/pipeline/journey-store.ts', 'utf8')));
  });
});
