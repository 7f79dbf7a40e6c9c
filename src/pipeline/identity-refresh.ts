import type { Store } from '../stores/store.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { resolvePersons, type IdentityLink, type PersonAssignment } from '../journey/resolve-persons.js';
import { insertAssignmentRows, readLinksOf, readMembersOf, readSeedIdentifiers, readStoredAssignments } from './identity-store.js';
import { dayRanges } from './day-ranges.js';
import { nextVersion } from './row-version.js';

/** Identifiers whose components are read and resolved together: bounds what one round holds. */
const SEEDS_PER_ROUND = 20_000;
/**
 * A component is read breadth first up to this many identifiers. Real
 * components are a few identifiers (a person's devices, accounts, CRM
 * records); one this large is a chain of shared devices or test data, and
 * it is resolved as far as it was read.
 */
const MAX_COMPONENT = 100_000;

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
    const component = await readComponents(store, pipeline.name, seeds, identity.maxLinks);
    const resolved = resolvePersons(component.links, settings);
    const stored = await readStoredAssignments(store, pipeline.name, component.identifiers);
    const rows = changedRows(pipeline.name, stored, resolved, nextVersion());
    await insertAssignmentRows(store, rows);
    written += rows.length;
    for (const identifier of component.identifiers) keys.add(identifier);
    for (const assignment of [...stored, ...resolved]) keys.add(assignment.personId);
    if (seeds.length < SEEDS_PER_ROUND) break;
    after = seeds[seeds.length - 1];
  }
  return { keys: [...keys].sort(), written };
}

/**
 * The closure of the seeds: their links, their neighbours' links and so on,
 * plus the identifiers stored under the same persons. An identifier with
 * more than `maxLinks` distinct links is read but left out: its links join
 * nothing and are not followed.
 */
async function readComponents(store: Store, pipeline: string, seeds: readonly string[], maxLinks: number): Promise<{ identifiers: string[]; links: IdentityLink[] }> {
  const visited = new Set<string>();
  const linksOf = new Map<string, IdentityLink[]>();
  let frontier = [...new Set(seeds)];
  while (frontier.length > 0 && visited.size < MAX_COMPONENT) {
    for (const identifier of frontier) visited.add(identifier);
    const found = await readLinksOf(store, pipeline, frontier, maxLinks);
    const next = new Set<string>();
    for (const [identifier, links] of found) {
      if (new Set(links.map((link) => link.b)).size > maxLinks) continue;
      linksOf.set(identifier, links);
      for (const link of links) if (!visited.has(link.b)) next.add(link.b);
    }
    // Members stored under the same persons: a person that no longer holds together is resolved whole.
    const persons = [...new Set((await readStoredAssignments(store, pipeline, frontier)).map((a) => a.personId))];
    for (const member of await readMembersOf(store, pipeline, persons)) if (!visited.has(member)) next.add(member);
    frontier = [...next].slice(0, Math.max(0, MAX_COMPONENT - visited.size));
  }
  const links: IdentityLink[] = [];
  for (const [identifier, list] of linksOf) {
    // Each pair once (from its smaller end), and only between identifiers that are both in stitching.
    for (const link of list) if (identifier < link.b && linksOf.has(link.b)) links.push(link);
  }
  return { identifiers: [...visited], links };
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
