import { oneOf, parseFlags, parseTimeRange } from '../args.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { percent, renderTable } from '../table.js';
import { describeModeAndLevel, MODE_LEVEL_HELP, parseModeAndLevel } from '../funnel-options.js';
import { DIMENSIONS } from '../../journey/definition-schema.js';
import { readFunnel } from '../../metrics/funnel-reader.js';
import type { FunnelReport, FunnelStage } from '../../metrics/funnel-report.js';
import { formatDurationMs } from '../../core/duration.js';

export const HELP = `journeys funnel — funnel by stage: entered, skipped, advanced, dropped, conversion, time to next stage

Usage: journeys funnel --pipeline <name|file> [options]

${PIPELINE_HELP}
  --from <ISO>           journeys starting at or after this time (rounded down to the hour)
  --to <ISO>             journeys starting before this time (rounded down to the hour)
${MODE_LEVEL_HELP}
  --by <dimension>       also break down by ${DIMENSIONS.join(', ')}
  --segment <value>      only the journeys of this segment (of their first event, or first staged event)
  --json                 print one JSON object

entered = journeys that got to the stage; skipped = of those, without an event of
it; dropped = entered − skipped − advanced; conversion = advanced / (entered − skipped).
${STORE_HELP}`;

export function renderFunnel(stages: readonly FunnelStage[]): string {
  return renderTable(
    ['stage', 'entered', 'skipped', 'advanced', 'dropped', 'conversion', 'median to next', 'p90 to next'],
    stages.map((s) => [
      s.stage,
      s.entered,
      s.skipped,
      s.advanced,
      s.dropped,
      percent(s.conversion_to_next),
      s.median_time_to_next_ms === null ? null : formatDurationMs(s.median_time_to_next_ms),
      s.p90_time_to_next_ms === null ? null : formatDurationMs(s.p90_time_to_next_ms),
    ]),
  );
}

export function renderFunnelReport(report: FunnelReport, journeyWindowMs?: number): string {
  const of = report.segment === undefined ? report.pipeline : `${report.pipeline}, segment ${report.segment || '(none)'}`;
  const parts = [`Funnel of ${of} (${describeModeAndLevel(report.mode, report.level, journeyWindowMs)})`, renderFunnel(report.stages)];
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
    segment: { type: 'string' },
    json: { type: 'boolean' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('funnel', values.pipeline);
  const { mode, level } = parseModeAndLevel(values, definition);
  const by = values.by === undefined ? undefined : oneOf('by', values.by, DIMENSIONS, 'channel');
  const range = parseTimeRange(values);
  const stageNames = definition.stages.map((s) => s.name);
  const report = await withStore(values, { migrate: true, requireDatabase: true }, (store) =>
    readFunnel(store, { pipeline: definition.name, stageNames, level, mode, range, by, segment: values.segment }),
  );
  console.log(values.json ? JSON.stringify(report) : renderFunnelReport(report, definition.funnel.journeyWindow));
  return 0;
}
