import { existsSync, readFileSync } from 'node:fs';
import { oneOf, parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { renderTable } from '../table.js';
import { bindParams, listNamedQueries, loadNamedQuery, QueryParamError } from '../../stores/query-catalog.js';

export const HELP = `journeys sql — run a query on the store

Usage: journeys sql <name|file|query> [--param k=v …] [--format table|json|csv]
       journeys sql --list

  <name>                 a query in sql/queries/ (without .sql), see --list and docs/sql.md
  <file>                 a .sql file
  <query>                SQL text, e.g. "SELECT count() FROM sessions FINAL"
  --param k=v            a value for a {k:Type} placeholder (repeatable); named queries
                         fill in their defaults and say which ones they need.
                         DateTime values may be ISO times (2026-11-02T10:00:00Z) or 'YYYY-MM-DD hh:mm:ss' UTC
  --format table|json|csv  output format (default table); or end the query with a FORMAT
                         clause (FORMAT TSV, FORMAT CSVWithNames, …) to get ClickHouse's text as is
  --list                 list the named queries and their parameters
${STORE_HELP}`;

function csvCell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function listQueries(): string {
  return listNamedQueries()
    .map((name) => {
      const query = loadNamedQuery(name)!;
      const params = query.params.map((p) => `${p.name}${p.defaultValue === undefined ? '' : `=${p.defaultValue}`}`).join(' ');
      return `${name.padEnd(26)} ${query.title}\n${' '.repeat(27)}params: ${params || '—'}`;
    })
    .join('\n');
}

/** The SQL and parameters to run: a named query with checked parameters, a file, or text as given. */
function resolveQuery(target: string, given: Record<string, string>): { sql: string; params: Record<string, string> } {
  const named = loadNamedQuery(target);
  if (named) {
    try {
      return { sql: named.sql, params: bindParams(named, given) };
    } catch (error) {
      if (error instanceof QueryParamError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (target.endsWith('.sql')) {
    if (!existsSync(target)) throw new UsageError(`SQL file not found: ${target}`);
    return { sql: readFileSync(target, 'utf8').trim().replace(/;\s*$/, ''), params: given };
  }
  if (/^[a-z0-9_]+$/i.test(target)) throw new UsageError(`no query named "${target}" in sql/queries/ (journeys sql --list shows them)`);
  return { sql: target.trim().replace(/;\s*$/, ''), params: given };
}

/** A trailing `FORMAT <name>` clause: the query picks its own output format. */
const FORMAT_CLAUSE = /\bFORMAT\s+[A-Za-z][A-Za-z0-9_]*\s*$/i;

function render(rows: ReadonlyArray<Record<string, unknown>>, format: 'table' | 'json' | 'csv'): string | undefined {
  if (format === 'json') return JSON.stringify(rows);
  if (rows.length === 0) return format === 'table' ? '(no rows)' : undefined;
  const columns = Object.keys(rows[0]!);
  if (format === 'csv') return [columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n');
  const cell = (v: unknown) => (typeof v === 'number' ? v : v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
  return renderTable(columns, rows.map((row) => columns.map((c) => cell(row[c]))));
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'sql',
    argv,
    { param: { type: 'string', multiple: true }, format: { type: 'string' }, list: { type: 'boolean' }, ...STORE_FLAG },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    console.log(listQueries());
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('journeys sql takes one query name, file or SQL text (quote it)');
  const format = oneOf('format', values.format, ['table', 'json', 'csv'] as const, 'table');
  const given: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--param takes name=value (got "${pair}")`);
    given[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const { sql, params } = resolveQuery(positionals[0]!, given);
  const ownFormat = FORMAT_CLAUSE.test(sql);
  if (ownFormat && values.format !== undefined) throw new UsageError('give either --format or a FORMAT clause in the query, not both');
  // Migrations run only when pending (a read-only analyst user writes nothing); a missing database is an error, never created here.
  const queryParams = Object.keys(params).length > 0 ? params : undefined;
  if (ownFormat) {
    process.stdout.write(await withStore(values, { migrate: true, requireDatabase: true }, (store) => store.queryText(sql, queryParams)));
    return 0;
  }
  const rows = await withStore(values, { migrate: true, requireDatabase: true }, (store) => store.query<Record<string, unknown>>(sql, queryParams));
  const text = render(rows, format);
  if (text !== undefined) console.log(text);
  return 0;
}
