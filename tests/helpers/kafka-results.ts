import type { Store } from '../../src/stores/store.js';
import type { CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { sessionFunnel } from '../../src/metrics/session-funnel.js';

/**
 * What must not depend on how events arrived (file or Kafka, one consumer or
 * two, with crashes): the funnels, the sessions (key, id, span, size, levels)
 * and the distinct event ids. Stream names and open/closed state legitimately
 * differ (each Kafka partition has its own watermark), so they are left out.
 */
export async function arrivalIndependentResults(store: Store, pipeline: CompiledPipeline): Promise<string> {
  const funnels = [];
  for (const mode of ['ordered', 'furthest'] as const) {
    funnels.push(await sessionFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, mode, range: {} }));
  }
  const sessions = await store.query(
    `SELECT key, session_id, start, end, event_count, ordered_level, furthest_level, converted FROM sessions FINAL
      WHERE pipeline = {p:String} AND is_deleted = 0 ORDER BY key, start, session_id`,
    { p: pipeline.name },
  );
  const [events] = await store.query('SELECT count() AS rows, uniqExact(event_id) AS ids FROM events FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
  return JSON.stringify({ funnels, sessions, events }).replaceAll(`"${pipeline.name}"`, '"<pipeline>"');
}
