import type { Store } from '../stores/store.js';
import type { IngestSummary } from '../pipeline/processor.js';
import { bindParams, loadNamedQuery } from '../stores/query-catalog.js';

/** The share of dead-lettered records above which ingest warns, unless --warn-dead-share says otherwise. */
export const DEFAULT_WARN_DEAD_SHARE = 0.05;

/** How a run's dead letters look: unremarkable, too many (a warning), or every record (nothing was ingested). */
export function deadLetterLevel(summary: Pick<IngestSummary, 'read' | 'dead_lettered'>, options: { warnShare: number }): 'ok' | 'warn' | 'all' {
  if (summary.read === 0 || summary.dead_lettered === 0) return 'ok';
  if (summary.dead_lettered >= summary.read) return 'all';
  return summary.dead_lettered / summary.read > options.warnShare ? 'warn' : 'ok';
}

interface ReasonRow {
  records: number;
  example_reason: string;
  example_origin: string;
}

/**
 * The most common reason among the pipeline's dead letters received since
 * `sinceMs` (this run's: a record dead-lettered again gets the new time).
 */
export async function topDeadLetterReason(store: Store, options: { pipeline: string; sinceMs: number }): Promise<ReasonRow | undefined> {
  const query = loadNamedQuery('dead_letters_by_reason');
  if (!query) return undefined;
  // The parameter is a DateTime (whole seconds): rounded down, so nothing of this run is missed.
  const from = new Date(Math.floor(options.sinceMs / 1_000) * 1_000).toISOString().replace('.000Z', 'Z');
  const [row] = await store.query<ReasonRow>(query.sql, bindParams(query, { pipeline: options.pipeline, from, limit: '1' }));
  return row;
}

/** The one line said about a run with too many dead letters, or all of them. */
export function deadLetterMessage(
  summary: Pick<IngestSummary, 'read' | 'dead_lettered'>,
  options: { level: 'warn' | 'all'; pipeline: string; top: ReasonRow | undefined },
): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const reason = options.top ? ` Most common reason: ${options.top.example_reason} (${n(options.top.records)} record${options.top.records === 1 ? '' : 's'}, e.g. ${options.top.example_origin}).` : '';
  const more = ` See journeys sql dead_letters_by_reason --param pipeline=${options.pipeline}`;
  if (options.level === 'all') {
    return `all ${n(summary.read)} records were dead-lettered, nothing was ingested: is the input meant for pipeline ${options.pipeline}, and in its format (--format)?${reason}${more}`;
  }
  const percent = ((summary.dead_lettered / summary.read) * 100).toFixed(1);
  return `warning: ${n(summary.dead_lettered)} of ${n(summary.read)} records (${percent}%) were dead-lettered.${reason}${more} (--warn-dead-share sets when this is said)`;
}
