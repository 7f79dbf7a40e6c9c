import { parseFlags, parseTimeRange } from '../args.js';
import { driverDimensions } from '../../analysis/driver-dimensions.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { percent, renderTable } from '../table.js';
import { parseDurationMs } from '../../core/duration.js';
import { analyzeBottlenecks, type BaselineChoice, type BottleneckReport } from '../../analysis/bottleneck-report.js';
import { writeBottlenecks } from '../../analysis/bottleneck-table.js';
import type { DriverDimension } from '../../analysis/stage-breakdown.js';
import type { JourneyDefinition } from '../../journey/definition-schema.js';
import { formatPValue } from '../../analysis/statistics.js';
import { describeModeAndLevel, MODE_LEVEL_HELP, parseModeAndLevel } from '../funnel-options.js';

export const HELP = `journeys bottlenecks — the stage transitions that lose the most journeys, and who drives the loss

Usage: journeys bottlenecks --pipeline <name|file> [options]

${PIPELINE_HELP}
${MODE_LEVEL_HELP}
  --from <ISO> --to <ISO>  the period: journeys starting in it, rounded down to the hour (default: all)
  --baseline previous|<duration>
                         compare with the period just before: of equal length (previous),
                         or of this length (e.g. 7d). Ranks significant drops by conversions
                         lost; without a baseline, transitions rank by share of all drop-off
  --top <n>              explain the top n bottlenecks by dimension value (default 3)
  --segment <value>      only the journeys of this segment (of their first event, or first staged event) (not stored in the bottlenecks table)
  --json                 print {"bottlenecks": [...]} ranked, as one JSON object
${STORE_HELP}

A transition k → k+1 counts, as journeys funnel does: entered = journeys whose level is ≥ k,
skipped = of those, the ones without an event of k, advanced = with an event of k that went
further. conversion = advanced / (entered − skipped), and the z-tests and drivers use
(entered − skipped, advanced): journeys that skipped a stage never inflate its conversion.
Results are also written to the bottlenecks table.`;


export { driverDimensions };

export function parseBaseline(value: string | undefined, flag = 'baseline'): BaselineChoice {
  if (value === undefined) return { kind: 'none' };
  if (value === 'previous') return { kind: 'previous' };
  const durationMs = parseDurationMs(value);
  if (durationMs === undefined || durationMs <= 0) throw new UsageError(`--${flag} takes previous or a duration like 7d (got "${value}")`);
  return { kind: 'duration', durationMs };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The ranked transitions as a table, then one sentence per explained bottleneck with its drivers. */
export function renderBottlenecks(report: BottleneckReport, options: { top: number }): string {
  const compared = report.baseline !== null;
  const period = `${iso(report.period.fromMs)} – ${iso(report.period.toMs)}`;
  const against = report.baseline ? ` against ${iso(report.baseline.fromMs)} – ${iso(report.baseline.toMs)}` : ' (no baseline: ranked by share of drop-off)';
  const table = renderTable(
    compared
      ? ['rank', 'step', 'entered', 'skipped', 'conversion', 'baseline', 'change', 'lost vs baseline', 'p']
      : ['rank', 'step', 'entered', 'skipped', 'conversion', 'lost', 'share of drop-off'],
    report.bottlenecks.map((b) => {
      const step = `${b.from_stage} → ${b.to_stage}${b.bottleneck && compared ? ' *' : ''}`;
      return compared
        ? [b.rank, step, b.entered, b.skipped, percent(b.conversion), percent(b.baseline_conversion), percent(b.relative_change), b.lost_vs_baseline === null ? null : Math.round(b.lost_vs_baseline), b.p_value === null ? null : formatPValue(b.p_value)]
        : [b.rank, step, b.entered, b.skipped, percent(b.conversion), b.lost, percent(b.share_of_dropoff)];
    }),
  );
  const top = report.bottlenecks.filter((b) => b.bottleneck).slice(0, options.top);
  const unit = report.level === 'person' ? 'journeys' : 'sessions';
  const parts = [`Bottlenecks of ${report.pipeline} (${describeModeAndLevel(report.mode, report.level)}), ${unit} starting ${period}${against}`, table];
  parts.push(`conversion = advanced / (entered − skipped): ${unit} that skipped a stage are not counted in its conversion, its tests or its drivers`);
  if (compared) parts.push('* significant drop (two-proportion z-test on entered − skipped and advanced, Bonferroni over the transitions)');
  if (top.length === 0) parts.push('', compared ? 'No transition converts significantly worse than the baseline.' : 'No transition loses sessions.');
  for (const b of top) {
    parts.push('', `${b.rank}. ${b.sentence}`);
    if (b.drivers.length > 0) {
      parts.push(
        renderTable(
          ['dimension', 'value', 'entered', 'skipped', 'conversion', 'odds ratio of dropping', 'share of loss'],
          b.drivers.map((d) => [d.dimension, d.value || '(none)', d.entered, d.skipped, percent(d.conversion), d.odds_ratio, percent(d.share_of_loss)]),
        ).replace(/^/gm, '   '),
      );
    }
  }
  return parts.join('\n');
}

/** Just the sentences of the top bottlenecks, one numbered line each (the demo's summary). */
export function renderBottleneckSentences(report: BottleneckReport, options: { top: number }): string {
  const top = report.bottlenecks.filter((b) => b.bottleneck).slice(0, options.top);
  if (top.length > 0) return top.map((b) => `${b.rank}. ${b.sentence}`).join('\n');
  return report.baseline ? 'No transition converts significantly worse than the baseline.' : 'No transition loses sessions.';
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('bottlenecks', argv, {
    pipeline: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    baseline: { type: 'string' },
    segment: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
    mode: { type: 'string' },
    level: { type: 'string' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('bottlenecks', values.pipeline);
  const { fromMs, toMs } = parseTimeRange(values);
  const { mode, level } = parseModeAndLevel(values, definition);
  const top = values.top === undefined ? 3 : Number(values.top);
  if (!Number.isInteger(top) || top < 0) throw new UsageError(`--top takes a whole number (got "${values.top}")`);
  const baseline = parseBaseline(values.baseline);
  // Without --from the period starts at the first session: the period before it is empty by construction.
  if (baseline.kind !== 'none' && fromMs === undefined) {
    throw new UsageError('--baseline compares with the period before --from: give --from too (e.g. --from 2026-11-05T00:00:00Z --baseline previous)');
  }
  const report = await withStore(values, { migrate: true, requireDatabase: true }, async (store) => {
    const result = await analyzeBottlenecks(store, {
      pipeline: definition.name,
      level,
      mode,
      stageNames: definition.stages.map((s) => s.name),
      dimensions: driverDimensions(definition),
      fromMs,
      toMs,
      baseline,
      explain: top,
      segment: values.segment,
    });
    // The table holds each period's analysis of everyone: a segment's would overwrite it.
    if (values.segment === undefined) await writeBottlenecks(store, result, { computedAtMs: Date.now() });
    return result;
  });
  if (values.json) {
    console.log(
      JSON.stringify({
        pipeline: report.pipeline,
        level: report.level,
        mode: report.mode,
        period: { from: iso(report.period.fromMs), to: iso(report.period.toMs) },
        baseline: report.baseline ? { from: iso(report.baseline.fromMs), to: iso(report.baseline.toMs) } : null,
        bottlenecks: report.bottlenecks,
      }),
    );
    return 0;
  }
  console.log(renderBottlenecks(report, { top }));
  return 0;
}
