import type { Store } from '../stores/store.js';

/** The segment values of a pipeline's funnel rollup, most journeys first: the served page's segment choices. */
export async function readSegments(store: Store, pipeline: string): Promise<string[]> {
  const rows = await store.query<{ segment: string }>(
    `SELECT segment FROM funnel_segment_hourly WHERE pipeline = {pipeline:String} AND stage_index = 1 AND segment != ''
      GROUP BY segment ORDER BY sum(entered) DESC, segment LIMIT 50`,
    { pipeline },
  );
  return rows.map((row) => row.segment);
}
