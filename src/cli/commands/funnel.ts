import { oneOf, parseFlags, parseTimeRange } from '../args.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { percent, renderTable } from '../table.js';
import { DIMENSIONS } from '../../journey/definition-schema.js';
import { sessionFunnel } from '../../metrics/session-funnel.js';
import { journeyFunnel } from '../../metrics/journey-funnel.js';
import type { FunnelReport, FunnelStage } from '../../metrics/funnel-report.js';
import { formatDurationMs } from '../../core/duration.js';

export const HELP = `journeys funnel — funnel by stage: entered, advanced, dropped, conversion, time to next stage

Usage: journeys funnel --pipeline <name|file> [options]

${PIPELINE_HELP}
  --from <ISO>           sessions starting at or after this time (rounded down to the hour)
  --to <ISO>             sessions starting before this time
  --mode ordered|furthest  ordered (default): stages in order, as ClickHouse windowFunnel;
                         furthest: the furthest stage reached in any order
  --level session|journey  per session (default) or per person over the journey window
  --by <dimension>       also break down by ${DIMENSIONS.join(', ')}
  --json                 print one JSON object
${STORE_HELP}`;

export function renderFunnel(stages: readonly FunnelStage[]): string {
  return renderTable(
    ['stage', 'entered', 'advanced', 'dropped', 'conversion', 'median to next', 'p90 to next'],
    stages.map((s) => [
      s.stage,
      s.entered,
      s.advanced,
      s.dropped,
      percent(s.conversion_to_next),
      s.median_time_to_next_ms === null ? null : formatDurationMs(s.median_time_to_next_ms),
      s.p90_time_to_next_ms === null ? null : formatDurationMs(s.p90_time_to_next_ms),
    ]),
  );
}

export function renderFunnelReport(report: FunnelReport): string {
  const parts = [`Funnel of ${report.pipeline} (${report.mode}, per ${report.level})`, renderFunnel(report.stages)];
  for (const group of report.groups) parts.push('', `${group.dimension} = ${group.value || '(none)'}`, renderFunnel(group.stages));
  return parts.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('funnel', argv, {
    pipeline: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    mode: { type: 'string' },
    level: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('funnel', values.pipeline);
  const mode = oneOf('mode', values.mode, ['ordered', 'furthest'] as const, 'ordered');
  const level = oneOf('level', values.level, ['session', 'journey'] as const, 'session');
  const by = values.by === undefined ? undefined : oneOf('by', values.by, DIMENSIONS, 'channel');
  const range = parseTimeRange(values);
  const stageNames = definition.stages.map((s) => s.name);
  const report = await withStore(values, { migrate: true, requireDatabase: true }, (store) =>
    level === 'session'
      ? sessionFunnel(store, { pipeline: definition.name, stageNames, mode, range, by })
      : journeyFunnel(store, { pipeline: definition.name, stageNames, mode, range, by, journeyWindowMs: definition.funnel.journeyWindow }),
  );
  console.log(values.json ? JSON.stringify(report) : renderFunnelReport(report));
  return 0;
}
