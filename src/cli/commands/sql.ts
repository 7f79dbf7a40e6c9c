import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneOf, parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { renderTable } from '../table.js';
import { SQL_DIR } from '../../stores/sql-files.js';

export const HELP = `journeys sql — run a query on the store

Usage: journeys sql <name|file|query> [--param k=v …] [--format table|json|csv]

  <name>                 a query in sql/queries/ (without .sql)
  <file>                 a .sql file
  <query>                SQL text, e.g. "SELECT count() FROM sessions FINAL"
  --param k=v            a value for a {k:Type} placeholder (repeatable)
  --format table|json|csv  output format (default table)
${STORE_HELP}`;

function resolveQuery(target: string): string {
  const named = join(SQL_DIR, 'queries', `${target}.sql`);
  if (/^[a-z0-9_-]+$/i.test(target) && existsSync(named)) return readFileSync(named, 'utf8');
  if (target.endsWith('.sql')) {
    if (!existsSync(target)) throw new UsageError(`SQL file not found: ${target}`);
    return readFileSync(target, 'utf8');
  }
  return target;
}

function csvCell(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags('sql', argv, { param: { type: 'string', multiple: true }, format: { type: 'string' }, ...STORE_FLAG }, true);
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('journeys sql takes one query name, file or SQL text (quote it)');
  const format = oneOf('format', values.format, ['table', 'json', 'csv'] as const, 'table');
  const params: Record<string, string> = {};
  for (const pair of values.param ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--param takes name=value (got "${pair}")`);
    params[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const sql = resolveQuery(positionals[0]!).trim().replace(/;\s*$/, '');
  const rows = await withStore(values, { migrate: true }, (store) => store.query(sql, Object.keys(params).length > 0 ? params : undefined));
  if (format === 'json') {
    console.log(JSON.stringify(rows));
  } else if (rows.length === 0) {
    if (format === 'table') console.log('(no rows)');
  } else {
    const columns = Object.keys(rows[0]!);
    if (format === 'csv') {
      console.log([columns.join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))].join('\n'));
    } else {
      const cell = (v: unknown) => (typeof v === 'number' ? v : v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
      console.log(renderTable(columns, rows.map((row) => columns.map((c) => cell(row[c])))));
    }
  }
  return 0;
}
