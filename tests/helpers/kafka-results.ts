import type { Store } from '../../src/stores/store.js';
import type { CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { FUNNEL_LEVELS, FUNNEL_MODES } from '../../src/journey/definition-schema.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';

/**
 * What must not depend on how events arrived (file or Kafka, one consumer or
 * two, with crashes): the funnels (every level and mode), the sessions (key,
 * id, span, size, progress in every mode) and the distinct event ids. Stream
 * names and open/closed state legitimately differ (each Kafka partition has
 * its own watermark), so they are left out.
 */
export async function arrivalIndependentResults(store: Store, pipeline: CompiledPipeline): Promise<string> {
  const funnels = [];
  for (const level of FUNNEL_LEVELS) {
    for (const mode of FUNNEL_MODES) {
      funnels.push(await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level, mode, range: {} }));
    }
  }
  const sessions = await store.query(
    `SELECT key, session_id, start, end, event_count, funnel_modes, funnel_levels, funnel_skipped, funnel_excluded, furthest_stage, converted FROM sessions FINAL
      WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key, start, session_id`,
    { p: pipeline.name },
  );
  const [events] = await store.query('SELECT count() AS rows, uniqExact(event_id) AS ids FROM events FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
  return JSON.stringify({ funnels, sessions, events }).replaceAll(`"${pipeline.name}"`, '"<pipeline>"');
}
