import { parseFlags, parseTimeRange } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { percent, renderTable } from '../table.js';
import { describeModeAndLevel, MODE_LEVEL_HELP, parseModeAndLevel } from '../funnel-options.js';
import { abandonmentReport, WORST_BUCKET_MIN_SESSIONS, type AbandonmentRuleReport } from '../../metrics/abandonment-report.js';
import { formatDurationMs } from '../../core/duration.js';

export const HELP = `journeys abandonment — abandonment rate per rule: abandoned / (started − pending)

Usage: journeys abandonment --pipeline <name|file> [options]

${PIPELINE_HELP}
  --rule <name>          only this rule (and list its 5-minute buckets)
  --from <ISO> --to <ISO>  journeys starting in this range (rounded down to the hour), as in funnel
${MODE_LEVEL_HELP}
                         (no rule is counted in any mode)
  --segment <value>      only the journeys of this segment (of their first event, or first staged event)
  --json                 print {"pipeline", "level", "mode", "rules": [...]} as one JSON object

started = journeys that entered the rule's from-stage (the funnel's entered of that
stage, same mode and level), pending included; pending = outcome not known yet;
rate = abandoned / (started − pending). The worst 5-minute bucket is the one whose
rate is most surely high (lower end of its 95% Wilson interval) among buckets with
at least ${WORST_BUCKET_MIN_SESSIONS} known outcomes.
${STORE_HELP}`;

export function renderAbandonment(rules: readonly AbandonmentRuleReport[]): string {
  return renderTable(
    ['rule', 'from → to', 'within', 'started', 'pending', 'abandoned', 'rate', 'worst 5-min bucket'],
    rules.map((r) => [
      r.rule,
      `${r.from} → ${r.to}`,
      formatDurationMs(r.within_ms),
      r.started,
      r.pending,
      r.abandoned,
      percent(r.rate),
      r.worst_bucket ? `${r.worst_bucket.bucket_start} ${percent(r.worst_bucket.rate)} of ${r.worst_bucket.known}` : null,
    ]),
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('abandonment', argv, {
    pipeline: { type: 'string' },
    rule: { type: 'string' },
    segment: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    mode: { type: 'string' },
    level: { type: 'string' },
    json: { type: 'boolean' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('abandonment', values.pipeline);
  if (definition.abandonment.length === 0) throw new UsageError(`pipeline ${definition.name} defines no abandonment rules`);
  if (values.rule && !definition.abandonment.some((r) => r.name === values.rule)) {
    throw new UsageError(`no rule "${values.rule}" in ${definition.name}; rules: ${definition.abandonment.map((r) => r.name).join(', ')}`);
  }
  const { mode, level } = parseModeAndLevel(values, definition);
  if (mode === 'any') throw new UsageError('--mode any counts distinct stages, not named ones: no abandonment rule is counted in it; use reached, ordered or strict');
  const range = parseTimeRange(values);
  const rules = await withStore(values, { migrate: true, requireDatabase: true }, (store) =>
    abandonmentReport(store, { pipeline: definition.name, rules: definition.abandonment, level, mode, rule: values.rule, range, segment: values.segment }),
  );
  if (values.json) {
    const shown = values.rule ? rules : rules.map(({ buckets: _buckets, ...rest }) => rest);
    console.log(JSON.stringify({ pipeline: definition.name, level, mode, ...(values.segment === undefined ? {} : { segment: values.segment }), rules: shown }));
    return 0;
  }
  console.log(`Abandonment in ${definition.name} (${describeModeAndLevel(mode, level, definition.funnel.journeyWindow)})`);
  console.log('started = journeys that entered the from-stage (the same number as the funnel\'s "entered" of that stage), pending included;');
  console.log(`rate = abandoned / (started − pending): pending journeys count neither way.\n${renderAbandonment(rules)}`);
  if (values.rule) {
    const buckets = rules[0]!.buckets.filter((b) => b.started > 0);
    console.log(
      `\n${renderTable(['bucket', 'started', 'pending', 'abandoned', 'rate'], buckets.map((b) => [b.bucket_start, b.started, b.pending, b.abandoned, percent(b.rate)]))}`,
    );
  }
  return 0;
}
