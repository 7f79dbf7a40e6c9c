import type { Store } from '../../src/stores/store.js';
import type { CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { sessionFunnel } from '../../src/metrics/session-funnel.js';
import { journeyFunnel } from '../../src/metrics/journey-funnel.js';
import { abandonmentReport } from '../../src/metrics/abandonment-report.js';

/**
 * Everything a user can see of a pipeline's results, with the pipeline name
 * blanked out so runs under different names can be compared byte for byte.
 */
export async function resultSnapshot(store: Store, pipeline: CompiledPipeline): Promise<string> {
  const name = pipeline.name;
  const stageNames = pipeline.stageNames;
  const funnels = [];
  for (const mode of ['ordered', 'furthest'] as const) {
    funnels.push(await sessionFunnel(store, { pipeline: name, stageNames, mode, range: {}, by: 'device' }));
    funnels.push(await journeyFunnel(store, { pipeline: name, stageNames, mode, range: {}, by: 'channel', journeyWindowMs: pipeline.definition.funnel.journeyWindow }));
  }
  const abandonment = await abandonmentReport(store, { pipeline: name, rules: pipeline.definition.abandonment, range: {} });
  const sessions = await store.query(
    `SELECT * EXCEPT (pipeline) FROM sessions FINAL WHERE pipeline = {p:String} ORDER BY key, start, session_id`,
    { p: name },
  );
  const transitions = await store.query(
    `SELECT hour, from_stage, to_stage, channel, device, sum(sessions) AS n FROM stage_transitions_hourly
      WHERE pipeline = {p:String} GROUP BY ALL ORDER BY ALL`,
    { p: name },
  );
  return JSON.stringify({ funnels, abandonment, sessions, transitions }).replaceAll(`"${name}"`, '"<pipeline>"');
}
