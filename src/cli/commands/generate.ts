import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseFlags, oneOf } from '../args.js';
import { UsageError } from '../cli-error.js';
import { createProgress } from '../progress.js';
import { generateEvents, generatorOptionsSchema, type GeneratorOptionsInput } from '../../sources/generator/index.js';
import { issuesFromZod, summarizeIssues } from '../../events/issues.js';

export const HELP = `journeys generate — realistic, seedable events for the shipped pipelines

Usage: journeys generate [--scenario ecommerce|b2b-saas|rees46] [options]

  --scenario <name>        ecommerce (Segment NDJSON, default), b2b-saas (Segment + CRM NDJSON),
                           rees46 (CSV in the public REES46 layout)
  --output <file>          where to write (default: stdout)
  --seed <n>               same seed, same bytes (default 42)
  --start <ISO>            first simulated day (default 2026-11-02T00:00:00Z)
  --days <n>               simulated days (default 7)
  --visitors-per-day <n>   new visitors on an average day (default 2000)
  --bottleneck <stage:dimension=value:factor>
                           plant a conversion drop, e.g. checkout:device=mobile:0.4
  --spike <ISO:minutes:rate>
                           plant a checkout-abandonment spike, e.g. 2026-11-05T18:00:00Z:45:0.8
  --clean                  no out-of-order, late, duplicate or malformed records
  --no-product-lists       ecommerce: a shop without category or search pages (no Product List
                           Viewed or Products Searched): Home → Product Viewed → Product Added → …

Real-looking noise is on by default: 2% out-of-order, 0.1% hours late, 1% duplicates, 0.3% malformed.`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${value}")`);
  return n;
}

export function parseBottleneck(text: string): NonNullable<GeneratorOptionsInput['bottleneck']> {
  const match = /^([^:]+):([a-z]+)=(.+):([\d.]+)$/.exec(text);
  if (!match) throw new UsageError(`--bottleneck takes stage:dimension=value:factor, e.g. checkout:device=mobile:0.4 (got "${text}")`);
  return { fromStage: match[1]!, dimension: match[2] as 'device', value: match[3]!, conversionFactor: Number(match[4]) };
}

export function parseSpike(text: string): NonNullable<GeneratorOptionsInput['spike']> {
  const match = /^(.+):(\d+(?:\.\d+)?):([\d.]+)$/.exec(text);
  if (!match) throw new UsageError(`--spike takes ISO-start:minutes:rate, e.g. 2026-11-05T18:00:00Z:45:0.8 (got "${text}")`);
  return { start: match[1]!, durationMinutes: Number(match[2]), checkoutAbandonmentRate: Number(match[3]) };
}

/** Validates generator options with the generator's own schema, as a usage error. */
export function checkGeneratorOptions(options: GeneratorOptionsInput): GeneratorOptionsInput {
  const result = generatorOptionsSchema.safeParse(options);
  if (!result.success) throw new UsageError(`invalid generator options: ${summarizeIssues(issuesFromZod(result.error))}`);
  return options;
}

/** Writes generated lines with backpressure; returns how many were written. */
export async function writeGenerated(options: GeneratorOptionsInput, out: Writable, onProgress?: (lines: number) => void): Promise<number> {
  let lines = 0;
  let chunk: string[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    if (!out.write(chunk.join('\n') + '\n')) await once(out, 'drain');
    chunk = [];
  };
  for (const generated of generateEvents(options)) {
    chunk.push(generated.line);
    lines++;
    if (chunk.length >= 2_000) {
      await flush();
      onProgress?.(lines);
    }
  }
  await flush();
  return lines;
}

/** The generator's flags, shared by `generate` and `produce --generate`. */
export const GENERATOR_FLAGS = {
  scenario: { type: 'string' as const },
  seed: { type: 'string' as const },
  start: { type: 'string' as const },
  days: { type: 'string' as const },
  'visitors-per-day': { type: 'string' as const },
  bottleneck: { type: 'string' as const },
  spike: { type: 'string' as const },
  clean: { type: 'boolean' as const },
  'no-product-lists': { type: 'boolean' as const },
};

type GeneratorFlagValues = { [K in keyof typeof GENERATOR_FLAGS]?: (typeof GENERATOR_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** Generator options from the flags, validated by the generator's own schema. */
export function generatorOptionsFromFlags(values: GeneratorFlagValues): GeneratorOptionsInput {
  return checkGeneratorOptions({
    scenario: oneOf('scenario', values.scenario, ['ecommerce', 'b2b-saas', 'rees46'] as const, 'ecommerce'),
    seed: number('seed', values.seed),
    start: values.start,
    days: number('days', values.days),
    visitorsPerDay: number('visitors-per-day', values['visitors-per-day']),
    bottleneck: values.bottleneck ? parseBottleneck(values.bottleneck) : undefined,
    spike: values.spike ? parseSpike(values.spike) : undefined,
    ...(values['no-product-lists'] ? { productLists: false } : {}),
    ...(values.clean ? { outOfOrderShare: 0, veryLateShare: 0, duplicateShare: 0, malformedShare: 0 } : {}),
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('generate', argv, { output: { type: 'string', short: 'o' }, ...GENERATOR_FLAGS });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const options = generatorOptionsFromFlags(values);
  const out = values.output ? createWriteStream(values.output) : process.stdout;
  const progress = createProgress('generating');
  const lines = await writeGenerated(options, out, (n) => progress.update(n));
  progress.done(lines);
  if (values.output) {
    out.end();
    await once(out, 'finish');
    console.error(`wrote ${lines.toLocaleString('en-US')} lines to ${values.output}`);
  }
  return 0;
}
