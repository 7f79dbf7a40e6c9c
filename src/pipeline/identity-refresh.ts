import type { Store } from '../stores/store.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { resolvePersons, type IdentityLink, type PersonAssignment } from '../journey/resolve-persons.js';
import { insertAssignmentRows, readLinksOf, readMembersOf, readSeedIdentifiers, readStoredAssignments } from './identity-store.js';
import { dayRanges } from './day-ranges.js';
import { nextVersion } from './row-version.js';

/** Identifiers whose components are read and resolved together: bounds what one round holds. */
const SEEDS_PER_ROUND = 20_000;
/**
 * Links read per identifier at most. Past this many an identifier is left
 * out of stitching whatever their kinds (a bot with thousands of cookies),
 * and reading a hub with a million links costs this many rows.
 */
export const MAX_LINKS_READ = 1_000;

export interface IdentityRefresh {
  /** Every identifier of the components read, and every person id they had or have: their journeys need a rebuild. */
  keys: string[];
  /** Assignments written (tombstones included). */
  written: number;
}

/**
 * Resolves anew (docs/semantics.md, "People") the components of every link
 * first seen on the given UTC days: each component is read from
 * identity_links breadth first (never the whole graph), together with the
 * identifiers stored as members of the same persons (so a person that
 * splits is seen whole), resolved by resolvePersons, and only changed
 * assignments are written (a vanished one gets a tombstone). Idempotent: a
 * second call writes nothing. Its keys are those whose person journeys may
 * have changed, including after a crash between this and the journeys.
 */
export async function refreshIdentities(store: Store, options: { pipeline: CompiledPipeline; days: Iterable<number> }): Promise<IdentityRefresh> {
  const { pipeline } = options;
  const identity = pipeline.definition.identity;
  const settings = { limits: identity.limits, lookbackMs: identity.lookback };
  const ranges = dayRanges(options.days);
  const keys = new Set<string>();
  let written = 0;
  let after: string | undefined;
  for (;;) {
    const seeds = await readSeedIdentifiers(store, { pipeline: pipeline.name, ranges, after, limit: SEEDS_PER_ROUND });
    if (seeds.length === 0) break;
    // Taken before reading: of two refreshes at once, the one that read later wins.
    const version = nextVersion();
    const component = await readComponents(store, pipeline.name, seeds, identity.maxLinks);
    const resolved = resolvePersons(component.links, settings);
    const stored = await readStoredAssignments(store, pipeline.name, component.identifiers);
    const rows = changedRows(pipeline.name, stored, resolved, version);
    await insertAssignmentRows(store, rows);
    written += rows.length;
    for (const identifier of [...component.identifiers, ...component.aroundShared]) keys.add(identifier);
    for (const assignment of [...stored, ...resolved]) keys.add(assignment.personId);
    // The persons of a shared identifier's neighbours held its events while it was in stitching (also after a crash right here).
    for (const assignment of await readStoredAssignments(store, pipeline.name, component.aroundShared)) keys.add(assignment.personId);
    if (seeds.length < SEEDS_PER_ROUND) break;
    after = seeds[seeds.length - 1];
  }
  return { keys: [...keys].sort(), written };
}

/**
 * The closure of the seeds: their links, their neighbours' links and so on,
 * plus the identifiers stored under the same persons. A shared identifier
 * (sharedIdentifier) is read but left out: its links join nothing and are
 * not followed; its neighbours are returned apart (`aroundShared`), since
 * their journeys held its events while it was in stitching. Every
 * component is read to its end, so a result never depends on the round.
 */
async function readComponents(
  store: Store,
  pipeline: string,
  seeds: readonly string[],
  maxLinks: number,
): Promise<{ identifiers: string[]; links: IdentityLink[]; aroundShared: string[] }> {
  const visited = new Set<string>();
  const linksOf = new Map<string, IdentityLink[]>();
  const aroundShared = new Set<string>();
  let frontier = [...new Set(seeds)];
  while (frontier.length > 0) {
    for (const identifier of frontier) visited.add(identifier);
    const found = await readLinksOf(store, pipeline, frontier, MAX_LINKS_READ);
    const next = new Set<string>();
    for (const [identifier, links] of found) {
      if (sharedIdentifier(links, maxLinks)) {
        for (const link of links) aroundShared.add(link.b);
        continue;
      }
      linksOf.set(identifier, links);
      for (const link of links) if (!visited.has(link.b)) next.add(link.b);
    }
    // Members stored under the same persons: a person that no longer holds together is resolved whole.
    const persons = [...new Set((await readStoredAssignments(store, pipeline, frontier)).map((a) => a.personId))];
    for (const member of await readMembersOf(store, pipeline, persons)) if (!visited.has(member)) next.add(member);
    frontier = [...next];
  }
  const links: IdentityLink[] = [];
  for (const [identifier, list] of linksOf) {
    // Each pair once (from its smaller end), and only between identifiers that are both in stitching.
    for (const link of list) if (identifier < link.b && linksOf.has(link.b)) links.push(link);
  }
  return { identifiers: [...visited], links, aroundShared: [...aroundShared] };
}

/**
 * Left out of stitching (docs/semantics.md, "People"): more than `maxLinks`
 * distinct userIds, contactIds or emails linked (a kiosk, a test account;
 * a person's own devices do not count: the anonymousId limit governs them),
 * or more than MAX_LINKS_READ links of any kind.
 */
function sharedIdentifier(links: readonly IdentityLink[], maxLinks: number): boolean {
  const others = new Set(links.map((link) => link.b));
  if (others.size > MAX_LINKS_READ) return true;
  let people = 0;
  for (const other of others) if (!other.startsWith('a:')) people++;
  return people > maxLinks;
}

/** Resolved assignments that differ from the stored ones, and tombstones for stored ones that no longer exist. */
function changedRows(pipeline: string, stored: readonly PersonAssignment[], resolved: readonly PersonAssignment[], version: number): unknown[][] {
  // JSON of [identifier, from]: an identifier may hold any character.
  const slot = (a: PersonAssignment) => JSON.stringify([a.identifier, a.fromMs]);
  const before = new Map(stored.map((a) => [slot(a), a]));
  const rows: unknown[][] = [];
  for (const assignment of resolved) {
    const key = slot(assignment);
    if (before.get(key)?.personId !== assignment.personId) rows.push([pipeline, assignment.identifier, assignment.fromMs, assignment.personId, version, 0]);
    before.delete(key);
  }
  for (const gone of before.values()) rows.push([pipeline, gone.identifier, gone.fromMs, gone.personId, version, 1]);
  return rows;
}
