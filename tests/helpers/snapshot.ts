import type { Store } from '../../src/stores/store.js';
import type { CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { FUNNEL_LEVELS, FUNNEL_MODES } from '../../src/journey/definition-schema.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
import { abandonmentReport } from '../../src/metrics/abandonment-report.js';

/**
 * Everything a user can see of a pipeline's results, with the pipeline name
 * blanked out so runs under different names can be compared byte for byte.
 * funnels: every level × mode, in FUNNEL_LEVELS × FUNNEL_MODES order (session
 * reached first); abandonment: session level, reached mode.
 */
export async function resultSnapshot(store: Store, pipeline: CompiledPipeline): Promise<string> {
  const name = pipeline.name;
  const stageNames = pipeline.stageNames;
  const funnels = [];
  for (const level of FUNNEL_LEVELS) {
    for (const mode of FUNNEL_MODES) {
      funnels.push(await readFunnel(store, { pipeline: name, stageNames, level, mode, range: {}, by: level === 'session' ? 'device' : 'channel' }));
    }
  }
  const abandonment = await abandonmentReport(store, { pipeline: name, rules: pipeline.definition.abandonment, level: 'session', mode: 'reached', range: {} });
  const sessions = await store.query(
    `SELECT * EXCEPT (pipeline) FROM sessions FINAL WHERE pipeline = {p:String} ORDER BY key, start, session_id`,
    { p: name },
  );
  const journeys = await store.query(
    `SELECT * EXCEPT (pipeline, version) FROM journeys FINAL WHERE pipeline = {p:String} ORDER BY key, start, journey_id`,
    { p: name },
  );
  const transitions = await store.query(
    `SELECT level, hour, from_stage, to_stage, channel, device, sum(journeys) AS n, sum(skipped) AS s FROM stage_transitions_hourly
      WHERE pipeline = {p:String} GROUP BY ALL ORDER BY ALL`,
    { p: name },
  );
  return JSON.stringify({ funnels, abandonment, sessions, journeys, transitions }).replaceAll(`"${name}"`, '"<pipeline>"');
}
