import type { Store } from '../stores/store.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { stageRulesOf } from '../journey/stage-rules.js';
import { buildJourneys, journeyRow, journeyTombstone, type JourneyContext } from '../sessions/journey-record.js';
import {
  contentDigest,
  insertJourneyRows,
  readChangedKeys,
  readPoints,
  readStoredJourneys,
  type ChangedKey,
  type Due,
  type StoredJourney,
} from './journey-store.js';
import { dayRanges } from './day-ranges.js';
import { nextVersion } from './row-version.js';

const DAY_MS = 86_400_000;
/** Keys found per query: one query finds the keys of a normal refresh (a day's active keys); a rebuild of every day pages. */
const KEYS_PER_PAGE = 50_000;
/** Keys rebuilt per round: bounds the events, journeys and rows held at once. */
const KEYS_PER_ROUND = 5_000;

/**
 * Rebuilds the journeys (docs/semantics.md, "Journeys") of every key of the
 * pipeline that changed: staged or exclusion events on the given UTC days
 * (ms of midnight), a live journey starting on one of them (its events may
 * have been taken back), or an open journey the watermark has ended or whose
 * pending rule passed its deadline (checked on every call, days or not).
 * A key's journeys are anchored at its first staged event, and events
 * before a change cannot move them: a key is rebuilt from the start of its
 * latest stored journey that starts at or before its earliest change (from
 * its first event when there is none), so what is read is bounded by the
 * journey window, not by the key's whole history. Journeys that changed are
 * written, ids that no longer exist get a tombstone. Returns the UTC days on
 * which the written or retired journeys start, sorted: every rollup counts a
 * journey on its start day, so those days need a rebuild too.
 */
export async function refreshJourneys(
  store: Store,
  options: { pipeline: CompiledPipeline; days: Iterable<number>; watermarkMs: number; extraKeys?: readonly string[] },
): Promise<number[]> {
  const pipeline = options.pipeline;
  // No stream has a watermark yet: nothing has ended.
  const watermarkMs = Number.isFinite(options.watermarkMs) ? options.watermarkMs : 0;
  const ranges = dayRanges(options.days);
  const base = pipeline.recordContext('journeys', watermarkMs);
  const windowMs = pipeline.definition.funnel.journeyWindow;
  const due: Due = {
    watermarkMs,
    windowMs,
    rules: base.abandonment.map((rule) => rule.name),
    withinMs: base.abandonment.map((rule) => rule.withinMs),
  };
  const context: Omit<JourneyContext, 'version'> = {
    pipeline: pipeline.name,
    stageNames: base.stageNames,
    conversionStageIndex: base.conversionStageIndex,
    abandonment: base.abandonment,
    rules: stageRulesOf(pipeline.definition, windowMs),
    watermarkMs,
  };
  const touched = new Set<number>();
  const extraKeys = [...(options.extraKeys ?? [])].sort();
  let after: string | undefined;
  for (;;) {
    const page = await readChangedKeys(store, { pipeline: pipeline.name, ranges, due, after, limit: KEYS_PER_PAGE, extraKeys });
    for (let i = 0; i < page.length; i += KEYS_PER_ROUND) {
      await rebuildRound(store, pipeline, page.slice(i, i + KEYS_PER_ROUND), { ...context, version: nextVersion() }, touched);
    }
    if (page.length < KEYS_PER_PAGE) break;
    after = page[page.length - 1]!.key;
  }
  return [...touched].sort((a, b) => a - b);
}

/** One round: the keys' stored journeys, their events from each key's anchor, the journeys rebuilt, changes written. */
async function rebuildRound(store: Store, pipeline: CompiledPipeline, changed: readonly ChangedKey[], ctx: JourneyContext, touched: Set<number>): Promise<void> {
  const keys = changed.map((c) => c.key);
  const stored = await readStoredJourneys(store, pipeline.name, keys);
  const anchors = changed.map((c) => anchorOf(stored.get(c.key), c.fromMs));
  const points = await readPoints(store, { pipeline: pipeline.name, stageCount: pipeline.stageNames.length, keys, fromMs: anchors });
  const rows: unknown[][] = [];
  const touch = (startMs: number) => touched.add(Math.floor(startMs / DAY_MS) * DAY_MS);
  changed.forEach(({ key }, i) => {
    const anchor = anchors[i]!;
    // Journeys starting before the anchor are not rebuilt: they stay as stored.
    const storedOfKey = new Map([...(stored.get(key) ?? [])].filter(([, journey]) => journey.startMs >= anchor));
    for (const journey of buildJourneys(key, points.get(key) ?? [], ctx)) {
      const row = journeyRow(journey);
      const previous = storedOfKey.get(journey.journey_id);
      storedOfKey.delete(journey.journey_id);
      if (previous && previous.digest === contentDigest(row)) continue;
      rows.push(row);
      touch(journey.start);
    }
    for (const [journeyId, previous] of storedOfKey) {
      const tombstone = journeyTombstone({ pipeline: pipeline.name, key, journeyId, startMs: previous.startMs, version: ctx.version });
      rows.push(journeyRow(tombstone));
      touch(previous.startMs);
    }
  });
  await insertJourneyRows(store, rows);
}

/**
 * Where a key's rebuild starts: the start of its latest stored journey that
 * starts at or before its earliest change. That journey's start is a staged
 * event after the window of the one before it, so the journeys before it
 * are unchanged; with none stored before the change, from the beginning.
 */
function anchorOf(stored: ReadonlyMap<string, StoredJourney> | undefined, changedFromMs: number): number {
  let anchor = 0;
  for (const journey of stored?.values() ?? []) {
    if (journey.startMs <= changedFromMs && journey.startMs > anchor) anchor = journey.startMs;
  }
  return anchor;
}
