import { parseFlags, parseTimeRange } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { percent, renderTable } from '../table.js';
import { abandonmentReport, type AbandonmentRuleReport } from '../../metrics/abandonment-report.js';
import { formatDurationMs } from '../../core/duration.js';

export const HELP = `journeys abandonment — abandonment rate per rule, over sessions whose outcome is known

Usage: journeys abandonment --pipeline <name|file> [options]

${PIPELINE_HELP}
  --rule <name>          only this rule (and list its 5-minute buckets)
  --from <ISO> --to <ISO>  limit to buckets in this range
  --json                 print {"pipeline", "rules": [...]} as one JSON object
${STORE_HELP}`;

export function renderAbandonment(rules: readonly AbandonmentRuleReport[]): string {
  return renderTable(
    ['rule', 'from → to', 'within', 'started', 'abandoned', 'rate', 'pending', 'worst 5-min bucket'],
    rules.map((r) => [
      r.rule,
      `${r.from} → ${r.to}`,
      formatDurationMs(r.within_ms),
      r.started,
      r.abandoned,
      percent(r.rate),
      r.pending,
      r.worst_bucket ? `${r.worst_bucket.bucket_start} ${percent(r.worst_bucket.rate)} of ${r.worst_bucket.started}` : null,
    ]),
  );
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('abandonment', argv, {
    pipeline: { type: 'string' },
    rule: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
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
  const range = parseTimeRange(values);
  const rules = await withStore(values, { migrate: true, requireDatabase: true }, (store) =>
    abandonmentReport(store, { pipeline: definition.name, rules: definition.abandonment, rule: values.rule, range }),
  );
  if (values.json) {
    const shown = values.rule ? rules : rules.map(({ buckets: _buckets, ...rest }) => rest);
    console.log(JSON.stringify({ pipeline: definition.name, rules: shown }));
    return 0;
  }
  console.log(`Abandonment in ${definition.name}\n${renderAbandonment(rules)}`);
  if (values.rule) {
    const buckets = rules[0]!.buckets.filter((b) => b.started + b.pending > 0);
    console.log(`\n${renderTable(['bucket', 'started', 'abandoned', 'rate', 'pending'], buckets.map((b) => [b.bucket_start, b.started, b.abandoned, percent(b.rate), b.pending]))}`);
  }
  return 0;
}
