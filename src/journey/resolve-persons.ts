import { IDENTIFIER_KINDS, identifierKind, type IdentifierKind, type IdentityLimits } from '../events/identity.js';

/** Two identifiers seen on one event (docs/semantics.md, "People"). */
export interface IdentityLink {
  a: string;
  b: string;
  /** The earliest event time of an event carrying both. */
  firstSeenMs: number;
  /** An alias: joins whatever the limits say. */
  forced: boolean;
}

/** From `fromMs` on (event time), events keyed by `identifier` belong to `personId`. */
export interface PersonAssignment {
  identifier: string;
  fromMs: number;
  personId: string;
}

export interface StitchSettings {
  limits: IdentityLimits;
  lookbackMs: number;
}

const KIND_RANK: Record<IdentifierKind, number> = { userId: 0, contactId: 1, emailHash: 2, anonymousId: 3 };
const NO_KIND = 4;

/** Devices are split in time by their logins; every other identifier belongs to one person. */
function isDevice(identifier: string): boolean {
  return identifierKind(identifier) === 'anonymousId';
}

function rankOf(identifier: string): number {
  const kind = identifierKind(identifier);
  return kind === undefined ? NO_KIND : KIND_RANK[kind];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The persons of one closed set of links (a connected component, or
 * several): links are applied in order of first-seen time, then
 * identifiers, and join two groups unless the joined group would exceed a
 * kind's limit (forced links always join). A device's identifier is then
 * assigned per time: from each login (its link to a non-device identifier,
 * by first-seen time) on, to that login's person, the first login reaching
 * back `lookbackMs`. Every other identifier gets one assignment from time 0.
 * Deterministic: the same links in any order give the same assignments.
 */
export function resolvePersons(links: readonly IdentityLink[], settings: StitchSettings): PersonAssignment[] {
  const sorted = normalized(links);
  const parent = new Map<string, string>();
  const counts = new Map<string, number[]>();
  const add = (identifier: string) => {
    if (parent.has(identifier)) return;
    parent.set(identifier, identifier);
    const kind = identifierKind(identifier);
    counts.set(identifier, IDENTIFIER_KINDS.map((k) => (k === kind ? 1 : 0)));
  };
  const find = (identifier: string): string => {
    let root = identifier;
    while (parent.get(root) !== root) root = parent.get(root)!;
    // Path compression keeps repeated finds flat.
    for (let node = identifier; node !== root; ) {
      const next = parent.get(node)!;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const limits = IDENTIFIER_KINDS.map((kind) => settings.limits[kind]);
  const seenOutsideAlias = new Set<string>();
  for (const link of sorted) {
    add(link.a);
    add(link.b);
    if (link.seenUnforced) {
      seenOutsideAlias.add(link.a);
      seenOutsideAlias.add(link.b);
    }
    const ra = find(link.a);
    const rb = find(link.b);
    if (ra === rb) continue;
    const ca = counts.get(ra)!;
    const cb = counts.get(rb)!;
    // Refused when both sides hold identifiers of a kind and together more than its limit (a second userId on a device).
    const exceeds = ca.some((n, k) => n > 0 && cb[k]! > 0 && n + cb[k]! > limits[k]!);
    if (exceeds && !link.forced) continue;
    parent.set(rb, ra);
    counts.set(ra, ca.map((n, k) => n + cb[k]!));
    counts.delete(rb);
  }
  const personOfRoot = new Map<string, string>();
  for (const identifier of parent.keys()) {
    const root = find(identifier);
    const current = personOfRoot.get(root);
    if (current === undefined || better(identifier, current, seenOutsideAlias)) personOfRoot.set(root, identifier);
  }
  const personOf = (identifier: string) => personOfRoot.get(find(identifier))!;
  const logins = new Map<string, Array<{ atMs: number; personId: string; rank: number; by: string }>>();
  for (const link of sorted) {
    for (const [device, other] of [
      [link.a, link.b],
      [link.b, link.a],
    ] as const) {
      if (!isDevice(device) || isDevice(other)) continue;
      let list = logins.get(device);
      if (!list) logins.set(device, (list = []));
      const previous = list[list.length - 1];
      // Logins at the same millisecond (one event carrying a userId and a contact of two persons) are one:
      // the first identifier in the userId, contactId, email order decides, as it decides the event's person.
      if (previous && previous.atMs === link.firstSeenMs) {
        if (rankOf(other) < previous.rank || (rankOf(other) === previous.rank && other < previous.by)) {
          list[list.length - 1] = { atMs: link.firstSeenMs, personId: personOf(other), rank: rankOf(other), by: other };
        }
        continue;
      }
      list.push({ atMs: link.firstSeenMs, personId: personOf(other), rank: rankOf(other), by: other });
    }
  }
  const assignments: PersonAssignment[] = [];
  for (const identifier of [...parent.keys()].sort(compareText)) {
    const deviceLogins = logins.get(identifier);
    if (!deviceLogins) {
      assignments.push({ identifier, fromMs: 0, personId: personOf(identifier) });
      continue;
    }
    let last: string | undefined;
    deviceLogins.forEach(({ atMs, personId }, i) => {
      if (personId === last) return;
      last = personId;
      assignments.push({ identifier, fromMs: i === 0 ? atMs - settings.lookbackMs : atMs, personId });
    });
  }
  return assignments;
}

/** A distinct pair; `seenUnforced`: some sighting was not an alias (its identifiers were seen outside one). */
interface PairLink extends IdentityLink {
  seenUnforced: boolean;
}

/**
 * Distinct pairs (a < b), each at its earliest sighting, forced if any
 * sighting was; sorted by first-seen time, then identifiers. An identify
 * and an alias often carry the same pair (anonymousId–userId): forced for
 * the limits, yet its identifiers were seen outside an alias.
 */
function normalized(links: readonly IdentityLink[]): PairLink[] {
  const byPair = new Map<string, PairLink>();
  for (const link of links) {
    if (link.a === link.b) continue;
    const [a, b] = link.a < link.b ? [link.a, link.b] : [link.b, link.a];
    const pair = `${a}\n${b}`;
    const known = byPair.get(pair);
    if (!known) byPair.set(pair, { a, b, firstSeenMs: link.firstSeenMs, forced: link.forced, seenUnforced: !link.forced });
    else {
      known.firstSeenMs = Math.min(known.firstSeenMs, link.firstSeenMs);
      known.forced ||= link.forced;
      known.seenUnforced ||= !link.forced;
    }
  }
  return [...byPair.values()].sort((x, y) => x.firstSeenMs - y.firstSeenMs || compareText(x.a, y.a) || compareText(x.b, y.b));
}

/** The person id: identifiers seen outside an alias first, then userId, contactId, email, anonymousId, then by text. */
function better(candidate: string, current: string, seenOutsideAlias: ReadonlySet<string>): boolean {
  const seen = Number(seenOutsideAlias.has(candidate)) - Number(seenOutsideAlias.has(current));
  if (seen !== 0) return seen > 0;
  const rank = rankOf(candidate) - rankOf(current);
  if (rank !== 0) return rank < 0;
  return candidate < current;
}
