import { parseFlags, parseTimeRange } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { percent, renderTable } from '../table.js';
import { evaluateAlerts } from '../../analysis/evaluate-alerts.js';
import { readPipelineWatermarkMs } from '../../analysis/alert-series.js';
import { listAlerts, type RecordedAlert } from '../../notifiers/alerts-table.js';
import { createLogNotifier } from '../../notifiers/log-notifier.js';
import { createWebhookNotifier } from '../../notifiers/webhook-notifier.js';
import type { AlertNotice, AlertNotifier } from '../../notifiers/notifier.js';
import { alertTiming } from '../../analysis/alert-timing.js';
import { compileAlertRule } from '../../analysis/alert-policy.js';
import { canonicalLevel, FUNNEL_LEVELS, FUNNEL_MODES } from '../../journey/definition-schema.js';
import { oneOf } from '../args.js';

/** Help lines of NOTIFY_FLAGS. */
export const NOTIFY_HELP = `  --webhook <url>        also POST each new change there (Slack-compatible JSON body)
  --webhook-secret-env <VAR>  sign webhook bodies (x-journeys-signature: sha256=HMAC) with the
                         secret in this environment variable (default JOURNEYS_WEBHOOK_SECRET, if set)
  --quiet                no log line (pino, stderr) per new change`;

export const HELP = `journeys alerts — abandonment and conversion alerts of a journey definition

Usage: journeys alerts check --pipeline <name|file> [options]
       journeys alerts list  --pipeline <name|file> [options]

  check                  evaluate the alert rules on every 5-minute bucket whose outcomes are
                         known (up to the ingested watermark) since each rule's last recorded
                         change; record and notify new changes once, then show the changes
  list                   show recorded alert changes, newest first

${PIPELINE_HELP}
  --rule <name>          only this alert rule
  --level session|person, --mode reached|ordered|strict|any
                         only the rules counted at this level / in this mode (each rule's level
                         and mode default to the pipeline's funnel.level and funnel.mode)
  --from <ISO> --to <ISO>  buckets in this range (check: default all data; list: by bucket_start)
  --json                 print {"alerts": [...]} as one JSON object
  --limit <n>            list: at most n changes (default 100)
${NOTIFY_HELP}
${STORE_HELP}`;

/** Notifier flags, shared with commands that evaluate alerts continuously. */
export const NOTIFY_FLAGS = {
  webhook: { type: 'string' as const },
  'webhook-secret-env': { type: 'string' as const },
  quiet: { type: 'boolean' as const },
};

/** The notifiers the flags ask for: log (unless --quiet), webhook (with --webhook). The alerts table is always written. */
export function notifiersFromFlags(values: { webhook?: string | undefined; 'webhook-secret-env'?: string | undefined; quiet?: boolean | undefined }): AlertNotifier[] {
  const notifiers: AlertNotifier[] = [];
  if (!values.quiet) notifiers.push(createLogNotifier());
  if (values.webhook) {
    const secretVariable = values['webhook-secret-env'] ?? 'JOURNEYS_WEBHOOK_SECRET';
    const secret = process.env[secretVariable];
    if (values['webhook-secret-env'] && !secret) throw new UsageError(`--webhook-secret-env ${secretVariable}: that environment variable is not set`);
    try {
      notifiers.push(createWebhookNotifier({ url: values.webhook, secret }));
    } catch (error) {
      throw new UsageError(`--webhook: ${(error as Error).message}`);
    }
  }
  return notifiers;
}

interface CheckedAlert {
  rule: string;
  state: 'fired' | 'resolved';
  bucket_start: string;
  value: number;
  baseline: number;
  sessions: number;
  evaluated_bucket: string;
  known_at: string;
  /** Minutes from bucket_start (the onset) to known_at (when the change was decided). */
  delay_minutes: number;
  new: boolean;
}

/** Recorded changes: onset, when known and the delay as alertTiming words them. */
export function renderAlerts(alerts: ReadonlyArray<Pick<RecordedAlert, 'rule' | 'state' | 'bucket_start' | 'known_at' | 'value' | 'baseline' | 'sessions'> & { new?: boolean }>): string {
  if (alerts.length === 0) return 'No alert changes.';
  return renderTable(
    ['rule', 'state', 'when', 'value', 'baseline', 'sessions'],
    alerts.map((a) => [
      a.rule,
      `${a.state}${a.new ? ' (new)' : ''}`,
      `${a.bucket_start.slice(0, 10)}: ${alertTiming({ onset: a.bucket_start, knownAt: a.known_at, state: a.state }).text}`,
      percent(a.value),
      percent(a.baseline),
      a.sessions,
    ]),
  );
}

/** New changes as evaluateAlerts returns them: onset, when known (event time) and the delay, as alertTiming words them. */
export function renderNotices(notices: readonly AlertNotice[]): string {
  if (notices.length === 0) return 'No alert changes.';
  return renderTable(
    ['rule', 'state', 'when', 'value', 'baseline', 'sessions', 'z'],
    notices.map((n) => [
      n.rule,
      n.state,
      `${n.bucketStart.slice(0, 10)}: ${alertTiming({ onset: n.bucketStart, knownAt: n.knownAt, state: n.state }).text}`,
      percent(n.value),
      percent(n.baseline),
      n.sessions,
      n.zScore,
    ]),
  );
}

export async function run(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    console.log(HELP);
    return 0;
  }
  if (subcommand !== 'check' && subcommand !== 'list') throw new UsageError(`unknown subcommand "${subcommand}": use check or list`);
  const { values } = parseFlags(`alerts ${subcommand}`, rest, {
    pipeline: { type: 'string' },
    rule: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    level: { type: 'string' },
    mode: { type: 'string' },
    ...NOTIFY_FLAGS,
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline(`alerts ${subcommand}`, values.pipeline);
  if (values.rule && !definition.alerts.some((a) => a.name === values.rule)) {
    throw new UsageError(`no alert rule "${values.rule}" in ${definition.name}; rules: ${definition.alerts.map((a) => a.name).join(', ') || '(none)'}`);
  }
  const { fromMs, toMs } = parseTimeRange(values);
  const level = values.level === undefined ? undefined : oneOf('level', canonicalLevel(values.level), FUNNEL_LEVELS, definition.funnel.level);
  const mode = values.mode === undefined ? undefined : oneOf('mode', values.mode, FUNNEL_MODES, definition.funnel.mode);
  const selected = definition.alerts
    .filter((rule) => !values.rule || rule.name === values.rule)
    .filter((rule) => {
      const { source } = compileAlertRule(rule, definition);
      return (level === undefined || source.level === level) && (mode === undefined || source.mode === mode);
    })
    .map((rule) => rule.name);

  if (subcommand === 'list') {
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit takes a positive whole number (got "${values.limit}")`);
    const alerts = await withStore(values, { migrate: true, requireDatabase: true }, (store) => listAlerts(store, { pipeline: definition.name, rule: values.rule, fromMs, toMs, limit }));
    console.log(values.json ? JSON.stringify({ alerts }) : `Alerts of ${definition.name}, newest first\n${renderAlerts(alerts)}`);
    return 0;
  }

  if (definition.alerts.length === 0) throw new UsageError(`pipeline ${definition.name} defines no alert rules (alerts: in its YAML)`);
  const notifiers = notifiersFromFlags(values);
  const { checked, failures } = await withStore(values, { migrate: true, requireDatabase: true }, async (store) => {
    const watermarkMs = await readPipelineWatermarkMs(store, definition.name);
    if (watermarkMs === undefined) throw new UsageError(`nothing ingested for ${definition.name} yet: run journeys ingest first`);
    const result = await evaluateAlerts({
      store,
      pipeline: { definition },
      nowMs: toMs === undefined ? watermarkMs : Math.min(watermarkMs, toMs),
      notifiers,
      fromMs: fromMs ?? 0,
      toMs,
      rules: selected,
    });
    const fresh = new Set(result.notices.map((n) => `${n.id}:${n.state}`));
    const recorded = await listAlerts(store, { pipeline: definition.name, rule: values.rule, fromMs, toMs, limit: 10_000 });
    const alerts: CheckedAlert[] = recorded
      .filter((a) => selected.includes(a.rule))
      .map((a) => ({
        rule: a.rule,
        state: a.state,
        bucket_start: a.bucket_start,
        value: a.value,
        baseline: a.baseline,
        sessions: a.sessions,
        evaluated_bucket: a.evaluated_bucket,
        known_at: a.known_at,
        delay_minutes: alertTiming({ onset: a.bucket_start, knownAt: a.known_at }).delayMinutes,
        new: fresh.has(`${a.rule}@${a.bucket_start}:${a.state}`),
      }))
      .sort((a, b) => a.bucket_start.localeCompare(b.bucket_start) || a.evaluated_bucket.localeCompare(b.evaluated_bucket));
    return { checked: alerts, failures: result.deliveryFailures };
  });
  for (const failure of failures) console.error(`journeys alerts: ${failure.notifier} could not deliver ${failure.noticeId} (${failure.state}): ${failure.error.message}`);
  if (values.json) console.log(JSON.stringify({ alerts: checked }));
  else console.log(`Alerts of ${definition.name}\n${renderAlerts(checked)}`);
  return failures.length > 0 ? 1 : 0;
}
