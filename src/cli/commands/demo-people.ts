import type { Store } from '../../stores/store.js';
import type { FunnelMode } from '../../journey/definition-schema.js';
import { readFunnel } from '../../metrics/funnel-reader.js';
import type { TimeRange } from '../../metrics/time-range.js';
import { renderTable } from '../table.js';

/** How many people the store stitched across devices, and one buyer who used two, for `journeys person`. */
export interface StitchedPeople {
  /** People with two or more devices (anonymousIds) in person_of. */
  multiDevicePeople: number;
  /** Devices whose events (from a login on, or all of them) belong to a person other than the device itself. */
  stitchedDevices: number;
  /** People with a converted journey (level person) among the multi-device people. */
  multiDeviceBuyers: number;
  /** A multi-device buyer (the first by id), to show with `journeys person`; undefined when there is none. */
  exampleBuyer: string | undefined;
}

// A device's identifier in person_of starts with 'a:'; it is stitched when its events belong to someone else.
const MULTI_DEVICE_PEOPLE = `
  SELECT person_id FROM person_of
   WHERE pipeline = {pipeline:String} AND startsWith(identifier, 'a:')
   GROUP BY person_id HAVING uniqExact(identifier) > 1`;

/** Reads the stitching counts of the demo's store (person_of and journeys). */
export async function readStitchedPeople(store: Store, pipeline: string): Promise<StitchedPeople> {
  const params = { pipeline };
  const [devices] = await store.query<{ stitched: number | string; people: number | string }>(
    `SELECT uniqExactIf(identifier, startsWith(identifier, 'a:') AND person_id != identifier) AS stitched,
            (SELECT count() FROM (${MULTI_DEVICE_PEOPLE})) AS people
       FROM person_of WHERE pipeline = {pipeline:String}`,
    params,
  );
  const buyers = await store.query<{ key: string }>(
    `SELECT DISTINCT key FROM journeys FINAL
      WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND converted = 1 AND key IN (${MULTI_DEVICE_PEOPLE})
      ORDER BY key`,
    params,
  );
  return {
    multiDevicePeople: Number(devices?.people ?? 0),
    stitchedDevices: Number(devices?.stitched ?? 0),
    multiDeviceBuyers: buyers.length,
    exampleBuyer: buyers[0]?.key,
  };
}

/**
 * "Sessions vs people": stage entered per session and per person (the
 * funnel reader at both levels, same mode and range), then the stitching
 * counts in one plain sentence.
 */
export async function renderSessionsVsPeople(
  store: Store,
  view: { pipeline: string; stageNames: readonly string[]; mode: FunnelMode; range: TimeRange },
  people: StitchedPeople,
): Promise<string> {
  const [sessions, persons] = await Promise.all([readFunnel(store, { ...view, level: 'session' }), readFunnel(store, { ...view, level: 'person' })]);
  const table = renderTable(
    ['stage', 'sessions', 'people'],
    view.stageNames.map((name, i) => [name, sessions.stages[i]?.entered ?? 0, persons.stages[i]?.entered ?? 0]),
  );
  const n = (value: number) => value.toLocaleString('en-US');
  return (
    `${table}\n` +
    `${n(people.multiDevicePeople)} people used more than one device (${n(people.multiDeviceBuyers)} of them bought); ` +
    `${n(people.stitchedDevices)} devices were stitched to a person by a login or a CRM contact.\n` +
    'A device that never logged in and no CRM contact names stays a person of its own.'
  );
}
