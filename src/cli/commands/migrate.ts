import { z } from 'zod';
import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { applyEventsTtl, migrate } from '../../stores/migrate.js';
import type { EventsTtl } from '../../stores/events-ttl.js';
import { parseDurationMs } from '../../core/duration.js';

export const HELP = `journeys migrate — create or upgrade the ClickHouse tables (sql/migrations)

Usage: journeys migrate [options]

  --dry-run              list the migrations (and print their SQL) without applying them
  --cluster <name>       create Replicated*MergeTree tables and Distributed tables ON CLUSTER <name>
                         (a server with Keeper and that cluster in remote_servers; see docs/sql.md)
  --events-ttl <d|off>   delete raw events this long after they were received (e.g. 400d, 26w),
                         or off to remove the TTL; unchanged when not given (none by default)
${STORE_HELP}

Ingest applies migrations by itself; run this to prepare a store ahead of time,
on a cluster, or to set the TTL.`;

const flagsSchema = z.object({
  cluster: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a cluster name as in remote_servers: letters, digits and _')
    .optional(),
  'events-ttl': z
    .string()
    .transform((text, ctx): EventsTtl => {
      if (text === 'off') return 'off';
      const ms = parseDurationMs(text);
      if (ms === undefined || ms < 3_600_000 || ms % 1_000 !== 0) {
        ctx.addIssue({ code: 'custom', message: `expected a duration of at least 1h such as 400d or 26w, or off (got "${text}")` });
        return z.NEVER;
      }
      return { seconds: ms / 1_000 };
    })
    .optional(),
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('migrate', argv, { 'dry-run': { type: 'boolean' }, cluster: { type: 'string' }, 'events-ttl': { type: 'string' }, ...STORE_FLAG });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const parsed = flagsSchema.safeParse({ cluster: values.cluster, 'events-ttl': values['events-ttl'] });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));
  const { cluster, 'events-ttl': ttl } = parsed.data;
  const dryRun = values['dry-run'] === true;
  const { results, ttlResult } = await withStore(values, { createDatabase: !dryRun, cluster }, async (store) => {
    const results = await migrate(store, { dryRun, cluster });
    // On a fresh store in a dry run there is no events table to read the TTL of.
    const ttlResult = ttl && !(dryRun && results.some((r) => r.version.startsWith('001') && r.applied)) ? await applyEventsTtl(store, { ttl, cluster, dryRun }) : undefined;
    return { results, ttlResult };
  });
  for (const result of results) {
    const state = dryRun ? (result.applied ? 'would apply' : 'already applied') : result.applied ? 'applied' : 'already applied';
    console.log(`${result.version.padEnd(24)} ${state} (${result.statements} statements)`);
    if (dryRun && result.applied) for (const statement of result.sql) console.log(`\n${statement};\n`);
  }
  if (ttl) {
    const verb = dryRun ? 'would run' : 'ran';
    if (!ttlResult) console.log(`events TTL: set after the migrations are applied (run without --dry-run)`);
    else if (ttlResult.statement) console.log(`events TTL: was ${ttlResult.before ?? 'none'}; ${verb}: ${ttlResult.statement}`);
    else console.log(`events TTL: unchanged (${ttlResult.before ?? 'none'})`);
  }
  return 0;
}
