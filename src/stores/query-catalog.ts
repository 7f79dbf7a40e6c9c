import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DIR, listSql, readSql } from './sql-files.js';

/** One declared parameter of a query file: `-- @param name Type [= default] | description`. */
export interface QueryParam {
  name: string;
  /** The ClickHouse type used in the placeholder, e.g. `DateTime('UTC')`. */
  type: string;
  /** Text value used when the caller gives none; required when undefined. */
  defaultValue: string | undefined;
  description: string;
  /** The values it takes, when its description begins `one of a, b, c`; any value otherwise. */
  allowed: string[] | undefined;
}

/** A query of sql/queries/ with what its header declares. */
export interface NamedQuery {
  name: string;
  /** The header's first comment line. */
  title: string;
  sql: string;
  params: QueryParam[];
}

const PARAM_LINE = /^--\s*@param\s+([a-z_][a-z0-9_]*)\s+([^=|]+?)\s*(?:=\s*([^|]*?)\s*)?\|\s*(.*)$/;
/** `one of session, person (…)`: the values a parameter takes, so a misspelt one is an error rather than an empty answer. */
const ONE_OF = /^one of ([a-z0-9_]+(?:, [a-z0-9_]+)*)/;
const PLACEHOLDER = /\{([a-z_][a-z0-9_]*):([^}]+)\}/g;
const QUERY_NAME = /^[a-z0-9_]+$/;

/** Parses a query file's header; the SQL is the text as is (ClickHouse skips the comments). */
export function parseNamedQuery(name: string, text: string): NamedQuery {
  const params: QueryParam[] = [];
  let title = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('--')) break;
    const match = PARAM_LINE.exec(line.trim());
    if (match) {
      const description = match[4]!.trim();
      const oneOf = ONE_OF.exec(description);
      params.push({
        name: match[1]!,
        type: match[2]!.trim(),
        defaultValue: match[3] === undefined ? undefined : match[3],
        description,
        allowed: oneOf ? oneOf[1]!.split(',').map((value) => value.trim()) : undefined,
      });
    } else if (!title) {
      title = line.replace(/^--\s*/, '').trim();
    }
  }
  return { name, title, sql: text.trim().replace(/;\s*$/, ''), params };
}

/** Placeholders `{name:Type}` used in a SQL text, by name (the first type seen). */
export function placeholdersOf(sql: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of sql.replace(/^--.*$/gm, '').matchAll(PLACEHOLDER)) if (!found.has(match[1]!)) found.set(match[1]!, match[2]!.trim());
  return found;
}

/** Names of the queries in sql/queries/. */
export function listNamedQueries(): string[] {
  return listSql('queries').map((file) => file.replace(/\.sql$/, ''));
}

/** The query `name` of sql/queries/, or undefined when there is none. */
export function loadNamedQuery(name: string): NamedQuery | undefined {
  if (!QUERY_NAME.test(name) || !existsSync(join(SQL_DIR, 'queries', `${name}.sql`))) return undefined;
  return parseNamedQuery(name, readSql(`queries/${name}.sql`));
}

/** A mistake in the parameters given to a named query. */
export class QueryParamError extends Error {
  override name = 'QueryParamError';
}

/**
 * The parameters to send: the given ones plus declared defaults. Unknown
 * names and missing required ones are errors that list what the query takes;
 * ISO times (`2026-11-02T10:00:00Z`) given for DateTime parameters are turned
 * into the `YYYY-MM-DD hh:mm:ss[.sss]` UTC text ClickHouse parses.
 */
export function bindParams(query: NamedQuery, given: Readonly<Record<string, string>>): Record<string, string> {
  const declared = new Map(query.params.map((param) => [param.name, param]));
  const usage = () =>
    query.params.map((p) => `  --param ${p.name}=<${p.type}>${p.defaultValue === undefined ? ' (required)' : ` (default ${p.defaultValue})`}  ${p.description}`).join('\n');
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) throw new QueryParamError(`query ${query.name} has no parameter "${name}"; it takes:\n${usage()}`);
  }
  const bound: Record<string, string> = {};
  const missing: string[] = [];
  for (const param of query.params) {
    const givenValue = given[param.name];
    // The person level's old name still reads as it (docs/semantics.md, "Person journeys").
    const value = (param.name === 'level' && givenValue === 'journey' ? 'person' : givenValue) ?? param.defaultValue;
    if (value === undefined) missing.push(param.name);
    else if (param.allowed && !param.allowed.includes(value)) {
      throw new QueryParamError(`query ${query.name}: ${param.name} must be one of ${param.allowed.join(', ')} (got "${value}")`);
    } else bound[param.name] = param.type.startsWith('DateTime') ? normalizeTime(value, param.type) : value;
  }
  if (missing.length > 0) throw new QueryParamError(`query ${query.name} needs ${missing.map((m) => `--param ${m}=…`).join(', ')}; it takes:\n${usage()}`);
  return bound;
}

function normalizeTime(value: string, type: string): string {
  if (!/^\d{4}-\d\d-\d\dT/.test(value)) return value;
  const ms = Date.parse(/(?:Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : `${value}Z`);
  if (!Number.isFinite(ms)) return value;
  const text = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  // DateTime holds whole seconds and refuses a fraction: the time is taken to its second.
  return text.endsWith('.000') || !type.startsWith('DateTime64') ? text.slice(0, 19) : text;
}
