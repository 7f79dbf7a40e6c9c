import { FUNNEL_MODES, type FunnelLevel } from '../../journey/definition-schema.js';
import { readFunnel } from '../../metrics/funnel-reader.js';
import type { FunnelReport } from '../../metrics/funnel-report.js';
import type { TimeRange } from '../../metrics/time-range.js';
import type { Store } from '../../stores/store.js';
import { renderTable } from '../table.js';

/**
 * One table of `entered` per stage in every funnel mode, for the same
 * journeys: how much skipping a stage (reached vs ordered) or an interruption
 * (strict) changes the picture. `any` counts distinct stages, so its row k
 * means "k stages done", whatever the stage's name.
 */
export async function renderModeComparison(
  store: Store,
  view: { pipeline: string; stageNames: readonly string[]; level: FunnelLevel; range: TimeRange },
): Promise<string> {
  const reports: FunnelReport[] = [];
  for (const mode of FUNNEL_MODES) reports.push(await readFunnel(store, { ...view, mode }));
  return renderTable(
    ['stage', ...FUNNEL_MODES.map((mode) => (mode === 'any' ? 'any (k stages)' : mode)), 'skipped (reached)'],
    view.stageNames.map((stage, i) => [stage, ...reports.map((r) => r.stages[i]!.entered), reports[0]!.stages[i]!.skipped]),
  );
}
