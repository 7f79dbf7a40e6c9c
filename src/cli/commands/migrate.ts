import { z } from 'zod';
import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { applyEventsTtl, migrate } from '../../stores/migrate.js';
import type { EventsTtl } from '../../stores/events-ttl.js';
import { parseDurationMs } from '../../core/duration.js';
import { loadDefinition } from '../../journey/load-definition.js';
import { compilePipeline } from '../../pipeline/compiled-pipeline.js';
import { inspectStore, needsRebuild, rebuildStore, type PipelineStoreState, type RebuildResult } from '../../pipeline/rebuild-store.js';
import { PIPELINES_DIR } from '../pipeline-option.js';
import { createProgress } from '../progress.js';
import type { Store } from '../../stores/store.js';

export const HELP = `journeys migrate — create or upgrade the ClickHouse tables (sql/migrations)

Usage: journeys migrate [options]

  --dry-run              list the migrations (and print their SQL) without applying them
  --cluster <name>       create Replicated*MergeTree tables and Distributed tables ON CLUSTER <name>
                         (a server with Keeper and that cluster in remote_servers; see docs/sql.md)
  --events-ttl <d|off>   delete raw events this long after they were received (e.g. 400d, 26w),
                         or off to remove the TTL; unchanged when not given (none by default)
  --pipeline <name|file> after migrating, rebuild this pipeline's sessions, journeys and rollups
                         from its stored events if they were written by an earlier version
${STORE_HELP}

Ingest applies migrations by itself; run this to prepare a store ahead of time,
on a cluster, or to set the TTL. A store written before the journey model
(migration 006) keeps its events, but its sessions lack the funnel progress
and its rollups are gone: run journeys migrate --pipeline <name> once per
pipeline to rebuild them (it says so when it finds such a store).`;

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
  const { values } = parseFlags('migrate', argv, {
    'dry-run': { type: 'boolean' },
    cluster: { type: 'string' },
    'events-ttl': { type: 'string' },
    pipeline: { type: 'string' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const parsed = flagsSchema.safeParse({ cluster: values.cluster, 'events-ttl': values['events-ttl'] });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('\n'));
  const { cluster, 'events-ttl': ttl } = parsed.data;
  const dryRun = values['dry-run'] === true;
  // Loaded before the store is opened: a wrong name fails fast (exit 2).
  const pipeline = values.pipeline === undefined ? undefined : compilePipeline(loadDefinition(values.pipeline, { pipelinesDir: PIPELINES_DIR }).definition);
  const { results, ttlResult, rebuild } = await withStore(values, { createDatabase: !dryRun, cluster }, async (store) => {
    const results = await migrate(store, { dryRun, cluster });
    // On a fresh store in a dry run there is no events table to read the TTL of.
    const ttlResult = ttl && !(dryRun && results.some((r) => r.version.startsWith('001') && r.applied)) ? await applyEventsTtl(store, { ttl, cluster, dryRun }) : undefined;
    const rebuild = dryRun ? undefined : await rebuildStale(store, pipeline);
    return { results, ttlResult, rebuild };
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
  if (rebuild) for (const line of rebuild) console.log(line);
  else if (dryRun && pipeline) console.log(`${pipeline.name}: not rebuilt in a dry run`);
  return 0;
}

/**
 * Finds pipelines whose sessions were written by an earlier version (or whose
 * rollups are missing) and rebuilds the given one (src/pipeline/rebuild-store.ts);
 * returns what to print.
 */
async function rebuildStale(store: Store, pipeline: ReturnType<typeof compilePipeline> | undefined): Promise<string[]> {
  const states = await inspectStore(store);
  const lines: string[] = [];
  if (pipeline) {
    const state = states.find((s) => s.pipeline === pipeline.name);
    const what = state && needsRebuild(state);
    if (!what) {
      lines.push(`${pipeline.name}: ${state ? 'sessions, journeys and rollups are up to date' : 'no sessions in this store'}; nothing to rebuild`);
    } else {
      const progress = createProgress(`rebuilding ${pipeline.name}:`);
      const result = await rebuildStore(store, pipeline, {
        sessions: what === 'sessions',
        onProgress: (p) =>
          p.phase === 'sessions'
            ? progress.update(p.keysDone, `keys of stream ${p.stream} (of ${p.keysTotal.toLocaleString('en-US')})`)
            : progress.update(p.daysDone, `days of rollups and journeys (of ${p.daysTotal})`),
      });
      progress.done(result.rollupDaysRebuilt, 'days of rollups and journeys');
      lines.push(...describeRebuild(pipeline.name, state, result));
    }
  }
  for (const state of states) {
    if (state.pipeline === pipeline?.name) continue;
    const what = needsRebuild(state);
    if (!what) continue;
    const why =
      what === 'sessions'
        ? `${count(state.staleSessions)} of ${count(state.sessions)} sessions were written by an earlier version (no funnel progress)`
        : state.unstitched
          ? 'journeys written before identity stitching (per identity key, not per person)'
          : `sessions but no rollups`;
    lines.push(`${state.pipeline}: ${why}; stores written by an earlier version need journeys migrate --pipeline ${state.pipeline} to rebuild them from events`);
  }
  return lines;
}

function describeRebuild(name: string, before: PipelineStoreState, result: RebuildResult): string[] {
  const lines: string[] = [];
  if (result.streams.length > 0) {
    const open = result.openSessions > 0 ? `, ${count(result.openSessions)} of them still open` : '';
    const retired = result.tombstones > 0 ? `, ${count(result.tombstones)} ids retired` : '';
    lines.push(
      `${name}: rebuilt ${count(result.sessions)} sessions of ${count(result.keys)} keys from events (stream${result.streams.length === 1 ? '' : 's'} ${result.streams.join(', ')}${open}${retired}; ${count(before.staleSessions)} were written by an earlier version)`,
    );
  }
  const days = result.days;
  const span = days.length === 0 ? '' : ` (${isoDay(days[0]!)}${days.length > 1 ? ` to ${isoDay(days[days.length - 1]!)}` : ''})`;
  lines.push(`${name}: rebuilt journeys and rollups of ${count(result.rollupDaysRebuilt)} day${result.rollupDaysRebuilt === 1 ? '' : 's'}${span}`);
  return lines;
}

const count = (n: number): string => n.toLocaleString('en-US');
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
