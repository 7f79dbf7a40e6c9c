import { describe, expect, it } from 'vitest';
import { resolvePersons, type IdentityLink, type PersonAssignment, type StitchSettings } from '../../src/journey/resolve-persons.js';
import type { IdentityLimits } from '../../src/events/identity.js';

/**
 * Expectations are hand-computed from docs/semantics.md ("People: identity
 * stitching"): links applied in first-seen order, per-kind limits, forced
 * alias links, devices split at their logins with a lookback before the
 * first, the person id by kind then text, identifiers seen outside an alias
 * first. Assignments come sorted by identifier, a device's in login order.
 */
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const LOOKBACK = 30 * DAY;
/** Day 0 of the worked example, midnight UTC. */
const D0 = Date.UTC(2026, 9, 1);

const DEFAULT_LIMITS: IdentityLimits = { anonymousId: 50, userId: 1, contactId: 1, emailHash: 5 };
const settings = (limits: Partial<IdentityLimits> = {}): StitchSettings => ({ limits: { ...DEFAULT_LIMITS, ...limits }, lookbackMs: LOOKBACK });

/** A link seen on an ordinary event (identify, a CRM envelope with two ids). */
const link = (a: string, b: string, firstSeenMs: number): IdentityLink => ({ a, b, firstSeenMs, forced: false });
/** A link made by an alias call (forced). */
const forced = (a: string, b: string, firstSeenMs: number): IdentityLink => ({ a, b, firstSeenMs, forced: true });
const as = (identifier: string, fromMs: number, personId: string): PersonAssignment => ({ identifier, fromMs, personId });

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const all: T[][] = [];
  items.forEach((item, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) all.push([item, ...rest]);
  });
  return all;
}

interface Row {
  name: string;
  links: IdentityLink[];
  limits?: Partial<IdentityLimits>;
  expected: PersonAssignment[];
}

const run = (row: Row) => expect(resolvePersons(row.links, settings(row.limits))).toEqual(row.expected);

describe('resolvePersons: union in first-seen order', () => {
  it.each<Row>([
    {
      // A–U (day 0 10:05), B–U (day 1 09:10), U–C (day 2): every join is within the limits
      // (1 userId, 1 contactId, 2 anonymousIds). Person u:U (a userId first).
      // Devices from their only login minus 30 days; c:C and u:U from 0.
      name: 'transitive A–U, B–U, U–C: one person u:U',
      links: [link('a:A', 'u:U', D0 + 10 * HOUR + 5 * MIN), link('a:B', 'u:U', D0 + DAY + 9 * HOUR + 10 * MIN), link('u:U', 'c:C', D0 + 2 * DAY)],
      expected: [
        as('a:A', D0 + 10 * HOUR + 5 * MIN - LOOKBACK, 'u:U'),
        as('a:B', D0 + DAY + 9 * HOUR + 10 * MIN - LOOKBACK, 'u:U'),
        as('c:C', 0, 'u:U'),
        as('u:U', 0, 'u:U'),
      ],
    },
    {
      name: 'no links: no persons',
      links: [],
      expected: [],
    },
    {
      // A link of an identifier with itself joins nothing and makes no identifier known.
      name: 'a self-link is ignored',
      links: [link('u:U', 'u:U', D0)],
      expected: [],
    },
    {
      // The same pair seen twice (and written in both directions): one link at its earliest time, D0 + 1 h.
      name: 'a pair seen several times counts at its earliest sighting, in either direction',
      links: [link('a:T', 'u:U', D0 + 5 * HOUR), link('u:U', 'a:T', D0 + HOUR), link('a:T', 'u:U', D0 + 3 * HOUR)],
      expected: [as('a:T', D0 + HOUR - LOOKBACK, 'u:U'), as('u:U', 0, 'u:U')],
    },
  ])('$name', run);
});

describe('resolvePersons: the person id', () => {
  it.each<Row>([
    // Kind order: userId, contactId, email, anonymousId, then any other text; within a kind by text.
    { name: 'contactId before email', links: [link('e:E', 'c:C', D0)], expected: [as('c:C', 0, 'c:C'), as('e:E', 0, 'c:C')] },
    // a:A's link to e:E is a login (e:E is not a device): a:A from D0 − 30 d.
    { name: 'email before anonymousId', links: [link('a:A', 'e:E', D0)], expected: [as('a:A', D0 - LOOKBACK, 'e:E'), as('e:E', 0, 'e:E')] },
    {
      // Two devices linked to each other: neither is a login, so both are assigned from 0; a:A < a:B.
      name: 'two anonymousIds: the smaller text',
      links: [link('a:B', 'a:A', D0)],
      expected: [as('a:A', 0, 'a:A'), as('a:B', 0, 'a:A')],
    },
    {
      // An identifier without a known prefix ranks after every kind; it counts as a login of the device.
      name: 'an anonymousId before an unprefixed text',
      links: [link('k1', 'a:Z', D0)],
      expected: [as('a:Z', D0 - LOOKBACK, 'a:Z'), as('k1', 0, 'a:Z')],
    },
    {
      // userId limit 2, so both users join through the device; u:A < u:B by text although u:B came first.
      name: 'two userIds (limit 2): the smaller text',
      limits: { userId: 2 },
      links: [link('a:X', 'u:B', D0), link('a:X', 'u:A', D0 + HOUR)],
      expected: [as('a:X', D0 - LOOKBACK, 'u:A'), as('u:A', 0, 'u:A'), as('u:B', 0, 'u:A')],
    },
    {
      // alias(userId zed, previousId aaa): u:zed–u:aaa and u:zed–a:aaa (forced); identify a:D–u:zed.
      // u:aaa < u:zed by text, but only u:zed was seen outside an alias: the person is u:zed.
      // a:aaa's one link is to u:zed (a login at the alias, D0); a:D's at D0 + 1 h.
      name: 'a userId seen outside an alias before one seen only in an alias',
      links: [forced('u:zed', 'u:aaa', D0), forced('u:zed', 'a:aaa', D0), link('a:D', 'u:zed', D0 + HOUR)],
      expected: [as('a:D', D0 + HOUR - LOOKBACK, 'u:zed'), as('a:aaa', D0 - LOOKBACK, 'u:zed'), as('u:aaa', 0, 'u:zed'), as('u:zed', 0, 'u:zed')],
    },
    {
      // Seen outside an alias comes first, before the kind (resolve-persons.ts, `better`):
      // alias(userId X, previousId D) gives u:X–u:D and u:X–a:D, forced; a CRM record links a:D–c:C.
      // Only a:D and c:C were seen outside an alias: c:C (a contactId) is the person.
      // a:D's logins: u:X (D0, via the alias) and c:C (D0 + 1 h), both person c:C: one segment.
      name: 'seen outside an alias before the kind order',
      links: [forced('u:X', 'u:D', D0), forced('u:X', 'a:D', D0), link('a:D', 'c:C', D0 + HOUR)],
      expected: [as('a:D', D0 - LOOKBACK, 'c:C'), as('c:C', 0, 'c:C'), as('u:D', 0, 'c:C'), as('u:X', 0, 'c:C')],
    },
    {
      // The usual Segment pair: identify(anonymousId D, userId X) and alias(userId X, previousId D).
      // The alias makes u:X–a:D (forced) again and u:X–u:D (forced). u:X was seen outside an alias
      // (the identify), u:D only in the alias: the person is u:X, not u:D (smaller text).
      // a:D's one login (u:X, earliest sighting D0) reaches back 30 days.
      name: 'a pair seen both in an identify and in an alias: its identifiers count as seen outside an alias',
      links: [link('a:D', 'u:X', D0), forced('u:X', 'a:D', D0 + HOUR), forced('u:X', 'u:D', D0 + HOUR)],
      expected: [as('a:D', D0 - LOOKBACK, 'u:X'), as('u:D', 0, 'u:X'), as('u:X', 0, 'u:X')],
    },
  ])('$name', run);
});

describe('resolvePersons: devices split at logins', () => {
  it.each<Row>([
    {
      // Tablet a:T: U logs in on day 3, V on day 5. T–U joins; T–V would put two userIds in one
      // group (limit 1): refused. T is U's from day 3 − 30 d, V's from day 5. U and V: two persons.
      name: 'shared device: two persons, T split at the second login',
      links: [link('a:T', 'u:U', D0 + 3 * DAY), link('a:T', 'u:V', D0 + 5 * DAY)],
      expected: [as('a:T', D0 + 3 * DAY - LOOKBACK, 'u:U'), as('a:T', D0 + 5 * DAY, 'u:V'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:V')],
    },
    {
      // Same links, userId limit 2: T–V joins, U, V and T are one person u:U (u:U < u:V).
      // Both logins are u:U's: one segment from day 3 − 30 d.
      name: 'userId limit 2: the two users merge, one segment',
      limits: { userId: 2 },
      links: [link('a:T', 'u:U', D0 + 3 * DAY), link('a:T', 'u:V', D0 + 5 * DAY)],
      expected: [as('a:T', D0 + 3 * DAY - LOOKBACK, 'u:U'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:U')],
    },
    {
      // T logs in as U (D0), then gives an email e:E of the same group (D0 + 1 d: T's group takes it):
      // both logins are u:U's, so they collapse into one segment.
      name: 'consecutive logins of one person collapse',
      links: [link('a:T', 'u:U', D0), link('a:T', 'e:E', D0 + DAY)],
      expected: [as('a:T', D0 - LOOKBACK, 'u:U'), as('e:E', 0, 'u:U'), as('u:U', 0, 'u:U')],
    },
    {
      // c:C–u:U (D0) joins; T–U (day 1) joins T to them; T–V (day 2) refused; T–c:C (day 3) is a
      // login of U's person again (C is U's). Segments: U from day 1 − 30 d, V from day 2, U from day 3.
      name: 'a login back to the first person after another one: three segments',
      links: [link('c:C', 'u:U', D0), link('a:T', 'u:U', D0 + DAY), link('a:T', 'u:V', D0 + 2 * DAY), link('a:T', 'c:C', D0 + 3 * DAY)],
      expected: [
        as('a:T', D0 + DAY - LOOKBACK, 'u:U'),
        as('a:T', D0 + 2 * DAY, 'u:V'),
        as('a:T', D0 + 3 * DAY, 'u:U'),
        as('c:C', 0, 'u:U'),
        as('u:U', 0, 'u:U'),
        as('u:V', 0, 'u:V'),
      ],
    },
  ])('$name', run);
});

describe('resolvePersons: limits and forced links', () => {
  it.each<Row>([
    {
      // c:C–u:U (day 0) joins; c:C–u:V (day 1) would make 2 userIds (limit 1): refused.
      name: 'a contact linked to two users: the first keeps it (userId limit 1)',
      links: [link('c:C', 'u:U', D0), link('c:C', 'u:V', D0 + DAY)],
      expected: [as('c:C', 0, 'u:U'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:V')],
    },
    {
      name: 'a contact linked to two users: one person with userId limit 2',
      limits: { userId: 2 },
      links: [link('c:C', 'u:U', D0), link('c:C', 'u:V', D0 + DAY)],
      expected: [as('c:C', 0, 'u:U'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:U')],
    },
    {
      // Two contacts of one user: c:C2–u:U would make 2 contactIds (limit 1): c:C2 stays its own person.
      name: 'two contacts of one user: the second stays apart (contactId limit 1)',
      links: [link('c:C1', 'u:U', D0), link('c:C2', 'u:U', D0 + DAY)],
      expected: [as('c:C1', 0, 'u:U'), as('c:C2', 0, 'c:C2'), as('u:U', 0, 'u:U')],
    },
    {
      name: 'two contacts of one user: one person with contactId limit 2',
      limits: { contactId: 2 },
      links: [link('c:C1', 'u:U', D0), link('c:C2', 'u:U', D0 + DAY)],
      expected: [as('c:C1', 0, 'u:U'), as('c:C2', 0, 'u:U'), as('u:U', 0, 'u:U')],
    },
    {
      // The limit holds for the joined group, not per link: {u:U, c:C1} and {u:V, c:C2} would hold
      // 2 contacts and 2 users; with contactId 2 but userId 1 the link c:C1–c:C2 (day 2) is refused.
      name: 'a join is refused when any kind of the joined group exceeds its limit',
      limits: { contactId: 2 },
      links: [link('c:C1', 'u:U', D0), link('c:C2', 'u:V', D0 + DAY), link('c:C1', 'c:C2', D0 + 2 * DAY)],
      expected: [as('c:C1', 0, 'u:U'), as('c:C2', 0, 'u:V'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:V')],
    },
    {
      // anonymousId limit 1: a:B–u:U (day 1) would put two devices in one person: refused, a:B stays out of
      // u:U's group. Its login still splits its timeline ("the device's links to non-device identifiers,
      // by first-seen time"), as a shared device's refused second login does: a:B is u:U's from day 1 − 30 d.
      name: 'a device refused by the anonymousId limit: its login still assigns its events',
      limits: { anonymousId: 1 },
      links: [link('a:A', 'u:U', D0), link('a:B', 'u:U', D0 + DAY)],
      expected: [as('a:A', D0 - LOOKBACK, 'u:U'), as('a:B', D0 + DAY - LOOKBACK, 'u:U'), as('u:U', 0, 'u:U')],
    },
    {
      // T–U (day 0) joins; T–V (day 1) refused; alias(userId V, previousId U) on day 2 makes
      // u:V–u:U and u:V–a:U, forced: they join whatever the limit. One person: seen outside an
      // alias are a:T, u:U and u:V (T–V is a sighting even though refused); u:U < u:V.
      // a:T's logins (U day 0, V day 1) are both u:U's now: one segment. a:U's login (the alias, day 2).
      name: 'forced alias links bypass the limits',
      links: [link('a:T', 'u:U', D0), link('a:T', 'u:V', D0 + DAY), forced('u:V', 'u:U', D0 + 2 * DAY), forced('u:V', 'a:U', D0 + 2 * DAY)],
      expected: [as('a:T', D0 - LOOKBACK, 'u:U'), as('a:U', D0 + 2 * DAY - LOOKBACK, 'u:U'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:U')],
    },
    {
      // alias(userId 2, previousId 1) on day 0, alias(userId 3, previousId 2) on day 1: every link
      // forced, so u:1, u:2, u:3 join although the limit is 1. Nothing was seen outside an alias:
      // the smallest userId text, u:1. The phantom devices a:1, a:2 log in at their alias.
      name: 'a chain of aliases u:1 → u:2 → u:3 is one person',
      links: [forced('u:2', 'u:1', D0), forced('u:2', 'a:1', D0), forced('u:3', 'u:2', D0 + DAY), forced('u:3', 'a:2', D0 + DAY)],
      expected: [as('a:1', D0 - LOOKBACK, 'u:1'), as('a:2', D0 + DAY - LOOKBACK, 'u:1'), as('u:1', 0, 'u:1'), as('u:2', 0, 'u:1'), as('u:3', 0, 'u:1')],
    },
    {
      // The same chain, and the newest id u:3 logs in on device a:D (day 2, an identify): u:3 is the
      // only userId seen outside an alias, so it is the person id.
      name: 'a chain of aliases: the id seen outside an alias is the person',
      links: [forced('u:2', 'u:1', D0), forced('u:2', 'a:1', D0), forced('u:3', 'u:2', D0 + DAY), forced('u:3', 'a:2', D0 + DAY), link('a:D', 'u:3', D0 + 2 * DAY)],
      expected: [
        as('a:1', D0 - LOOKBACK, 'u:3'),
        as('a:2', D0 + DAY - LOOKBACK, 'u:3'),
        as('a:D', D0 + 2 * DAY - LOOKBACK, 'u:3'),
        as('u:1', 0, 'u:3'),
        as('u:2', 0, 'u:3'),
        as('u:3', 0, 'u:3'),
      ],
    },
    {
      // A pair seen unforced and in an alias is forced (joins whatever the limits): T–U (day 0), then
      // T–V both as a login (day 1) and as an alias (day 2): T–V counts at day 1 and joins V.
      name: 'a pair seen once in an alias is forced at its earliest sighting',
      links: [link('a:T', 'u:U', D0), link('a:T', 'u:V', D0 + DAY), forced('a:T', 'u:V', D0 + 2 * DAY)],
      expected: [as('a:T', D0 - LOOKBACK, 'u:U'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:U')],
    },
  ])('$name', run);
});

describe('resolvePersons: the input order does not matter', () => {
  const cases: Row[] = [
    {
      // The worked example with its tablet: A–U, B–U, C–U join; T–U (day 3) joins; T–V (day 5)
      // is refused. Persons u:U {a:A, a:B, a:T, c:C, u:U} and u:V; T is V's from day 5.
      name: 'worked example with a shared tablet (5 links, 120 orders)',
      links: [
        link('a:A', 'u:U', D0 + 10 * HOUR + 5 * MIN),
        link('a:B', 'u:U', D0 + DAY + 9 * HOUR + 10 * MIN),
        link('c:C', 'u:U', D0 + 2 * DAY),
        link('a:T', 'u:U', D0 + 3 * DAY),
        link('a:T', 'u:V', D0 + 5 * DAY),
      ],
      expected: [
        as('a:A', D0 + 10 * HOUR + 5 * MIN - LOOKBACK, 'u:U'),
        as('a:B', D0 + DAY + 9 * HOUR + 10 * MIN - LOOKBACK, 'u:U'),
        as('a:T', D0 + 3 * DAY - LOOKBACK, 'u:U'),
        as('a:T', D0 + 5 * DAY, 'u:V'),
        as('c:C', 0, 'u:U'),
        as('u:U', 0, 'u:U'),
        as('u:V', 0, 'u:V'),
      ],
    },
    {
      // Two links at the same time, decided by their text: a:K–u:U < a:K–u:V, so U joins, V is refused;
      // the forced alias u:W–u:V (day 1) joins V and W; c:C–u:W (day 2) joins C to them.
      // Persons: u:U {a:K, u:U}; u:V {c:C, u:V, u:W} (u:V < u:W, both seen outside an alias:
      // u:V on a:K–u:V, u:W on c:C–u:W). a:K: its two logins at D0 are one (same millisecond: the
      // first identifier by kind, then text, decides: u:U), so one assignment, U's from D0 − 30 d.
      name: 'same-time links, a refusal, a forced link (5 links, 120 orders)',
      links: [link('a:K', 'u:U', D0), link('a:K', 'u:V', D0), forced('u:W', 'u:V', D0 + DAY), link('c:C', 'u:W', D0 + 2 * DAY), link('u:U', 'a:K', D0 + 4 * DAY)],
      expected: [as('a:K', D0 - LOOKBACK, 'u:U'), as('c:C', 0, 'u:V'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:V'), as('u:W', 0, 'u:V')],
    },
    {
      // Four links with directions flipped in the input: the first (day 0) join wins whichever order.
      name: 'contact linked to two users, directions mixed (4 links, 24 orders)',
      links: [link('u:V', 'c:C', D0 + DAY), link('c:C', 'u:U', D0), link('a:P', 'u:V', D0 + 2 * DAY), link('e:E', 'c:C', D0 + 3 * DAY)],
      expected: [as('a:P', D0 + 2 * DAY - LOOKBACK, 'u:V'), as('c:C', 0, 'u:U'), as('e:E', 0, 'u:U'), as('u:U', 0, 'u:U'), as('u:V', 0, 'u:V')],
    },
  ];
  it.each(cases)('$name', (row) => {
    const orders = permutations(row.links);
    for (const order of orders) expect(resolvePersons(order, settings(row.limits))).toEqual(row.expected);
    // And every direction of every link (a–b or b–a), in input order.
    for (let mask = 0; mask < 1 << row.links.length; mask++) {
      const flipped = row.links.map((l, i) => (mask & (1 << i) ? { ...l, a: l.b, b: l.a } : l));
      expect(resolvePersons(flipped, settings(row.limits))).toEqual(row.expected);
    }
  });
});
