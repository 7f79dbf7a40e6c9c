import { parseFlags, oneOf } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { createProgress } from '../progress.js';
import { compilePipeline } from '../../pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../pipeline/ingest-files.js';
import type { IngestSummary } from '../../pipeline/processor.js';
import { inputProblem } from '../../sources/input-errors.js';
import { DEFAULT_WARN_DEAD_SHARE, deadLetterLevel, deadLetterMessage, topDeadLetterReason } from '../dead-letter-check.js';

export const HELP = `journeys ingest — read NDJSON or CSV events into the store

Usage: journeys ingest --pipeline <name|file> --input <path…|-> [options]

${PIPELINE_HELP}
  --input <path>         a file to read (repeat for several); - reads stdin
  --format ndjson|csv    override the format guessed from the file name
  --json                 print the summary as one JSON object
  --warn-dead-share <s>  warn when more than this share of the records is dead-lettered
                         (default ${DEFAULT_WARN_DEAD_SHARE}); when every record is, ingest exits 2
${STORE_HELP}

Invalid records are kept in the dead_letters table with the reason and file:line.
Set JOURNEYS_EMAIL_SALT to keep salted hashes of CRM emails (without it emails are dropped).`;

export function printSummary(summary: IngestSummary, seconds: number): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    `read ${n(summary.read)} records in ${seconds.toFixed(1)}s (${n(Math.round(summary.read / Math.max(seconds, 0.001)))}/s)`,
    `  valid          ${n(summary.valid)}`,
    `  duplicates     ${n(summary.duplicates)}`,
    `  dead-lettered  ${n(summary.dead_lettered)}${summary.dead_lettered > 0 ? '  (see: journeys sql "SELECT origin, reason FROM dead_letters LIMIT 20")' : ''}`,
    `  sessions       ${n(summary.sessions)}`,
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('ingest', argv, {
    pipeline: { type: 'string' },
    input: { type: 'string', multiple: true },
    format: { type: 'string' },
    json: { type: 'boolean' },
    'warn-dead-share': { type: 'string' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('ingest', values.pipeline);
  const inputs = values.input ?? [];
  if (inputs.length === 0) throw new UsageError('journeys ingest needs --input <file> (or --input - for stdin)');
  for (const input of inputs) {
    const problem = inputProblem(input);
    if (problem) throw new UsageError(problem);
  }
  const format = values.format === undefined ? undefined : oneOf('format', values.format, ['ndjson', 'csv'] as const, 'ndjson');
  const warnShare = values['warn-dead-share'] === undefined ? DEFAULT_WARN_DEAD_SHARE : Number(values['warn-dead-share']);
  if (!(warnShare >= 0 && warnShare <= 1)) throw new UsageError(`--warn-dead-share takes a share between 0 and 1, e.g. 0.05 (got "${values['warn-dead-share']}")`);
  const started = Date.now();
  const progress = createProgress('ingesting');
  const { summary, level, top } = await withStore(values, { migrate: true }, async (store) => {
    const summary = await ingestFiles(store, compilePipeline(definition), inputs, {
      format,
      emailSalt: process.env['JOURNEYS_EMAIL_SALT'],
      onProgress: (read) => progress.update(read),
      onRollupDay: (done, total) => progress.update(done, `rebuilding rollups: day ${done}/${total}`),
    });
    const level = deadLetterLevel(summary, { warnShare });
    const top = level === 'ok' ? undefined : await topDeadLetterReason(store, { pipeline: definition.name, sinceMs: started });
    return { summary, level, top };
  });
  progress.done(summary.read);
  console.log(values.json ? JSON.stringify(summary) : printSummary(summary, (Date.now() - started) / 1000));
  if (level === 'ok') return 0;
  // A run that ingested nothing is almost always the wrong pipeline or format: not a success.
  console.error(`journeys ingest: ${deadLetterMessage(summary, { level, pipeline: definition.name, top })}`);
  return level === 'all' ? 2 : 0;
}
