let lastVersion = 0;

/**
 * The version of every row a round of a rebuild (journeys, person
 * assignments) writes: the clock when the round starts reading, strictly
 * increasing within the process. Not derived from content
 * (as sessions do, events × 4 + …), because a journey is rebuilt from its
 * key's history, and that history can shrink (a copy of an event taken
 * back, the events TTL) or be read under another definition, and a journey
 * id can come back (window 7 days): A on day 10; a late A on day 5 swallows it (day 10's id
 * is retired); a late A on day 0 ends its window on day 7, so day 10 starts
 * a journey again, with the same id. A tombstone at TOMBSTONE_VERSION would
 * keep it retired for ever, and a content count need not grow. The rebuild
 * that read last knew the most, so it wins, tombstones included (same
 * version as the round's live rows). Unchanged journeys are not rewritten,
 * so a repeated refresh writes nothing and keeps the versions it found.
 */
export function nextVersion(): number {
  lastVersion = Math.max(Date.now(), lastVersion + 1);
  return lastVersion;
}
