import { CLUSTER_LAYOUT, type TableLayout } from './cluster-layout.js';

const CREATE_TABLE = /^CREATE TABLE IF NOT EXISTS ([A-Za-z_][A-Za-z0-9_]*)\s*([\s\S]*)$/i;
const CREATE_VIEW = /^CREATE (MATERIALIZED )?VIEW IF NOT EXISTS ([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]*)$/i;
const DROP_TABLE = /^DROP TABLE IF EXISTS ([A-Za-z_][A-Za-z0-9_]*)\s*;?\s*$/i;
const ALTER_TABLE = /^ALTER TABLE ([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]*)$/i;
const INSERT_SELECT = /^INSERT INTO ([A-Za-z_][A-Za-z0-9_]*)\s+SELECT\b/i;
const AS_OTHER = /^AS ([A-Za-z_][A-Za-z0-9_]*)\s*$/i;
const ENGINE = /\bENGINE\s*=\s*([A-Za-z]*MergeTree)\s*(?:\(([^()]*)\))?\s*/i;
const CLAUSES = /\b(PARTITION BY|ORDER BY|PRIMARY KEY|SAMPLE BY|TTL|SETTINGS)\b/gi;
const COLUMN_ALTER = /^(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\b/i;

/** A single-node CREATE TABLE taken apart: enough to recreate it as another engine. */
export interface TableDefinition {
  name: string;
  columns: string;
  engine: string;
  engineArgs: string;
  /** PARTITION BY, ORDER BY, … clauses in their order, each `KEYWORD expr`. */
  clauses: string;
  partitionBy: string | undefined;
  orderBy: string;
}

/** The statement without its `--` comment lines (directives are read before this). */
export function stripComments(statement: string): string {
  return statement
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .trim();
}

/** Parses `CREATE TABLE IF NOT EXISTS t (…) ENGINE = XMergeTree(args) PARTITION BY … ORDER BY …`. */
export function parseCreateTable(statement: string): TableDefinition | undefined {
  const match = CREATE_TABLE.exec(stripComments(statement));
  if (!match || AS_OTHER.test(match[2]!)) return undefined;
  const body = match[2]!;
  const engine = ENGINE.exec(body);
  if (!engine) return undefined;
  const clauses = body.slice(engine.index + engine[0].length).trim();
  const parts = new Map<string, string>();
  const marks = [...clauses.matchAll(CLAUSES)];
  marks.forEach((mark, i) => {
    const end = marks[i + 1]?.index ?? clauses.length;
    parts.set(mark[1]!.toUpperCase(), clauses.slice(mark.index! + mark[0].length, end).trim());
  });
  const orderBy = parts.get('ORDER BY');
  if (orderBy === undefined) return undefined;
  return {
    name: match[1]!,
    columns: body.slice(0, engine.index).trim(),
    engine: engine[1]!,
    engineArgs: (engine[2] ?? '').trim(),
    clauses,
    partitionBy: parts.get('PARTITION BY'),
    orderBy,
  };
}

/** The table a `DROP TABLE IF EXISTS t` statement drops; undefined for any other statement. */
export function parseDropTable(statement: string): string | undefined {
  return DROP_TABLE.exec(stripComments(statement))?.[1];
}

function layoutOf(table: string): TableLayout {
  const layout = CLUSTER_LAYOUT[table];
  if (!layout) throw new Error(`table ${table} has no cluster layout: add it to src/stores/cluster-layout.ts`);
  return layout;
}

function replicated(def: TableDefinition, keeperPath: string): string {
  const args = [`'${keeperPath}'`, `'{replica}'`, ...(def.engineArgs ? [def.engineArgs] : [])].join(', ');
  return `ENGINE = Replicated${def.engine}(${args})\n${def.clauses}`;
}

/** Everything the conversion needs besides the statement. */
export interface ClusterContext {
  cluster: string;
  /** The database the Distributed tables point at (a checked identifier). */
  database: string;
  /**
   * The tables in force where the statement runs, by name (to copy the keys
   * of a staging twin's source): the migrations' CREATE and DROP statements
   * before it, in order (see clusterMigrations in migrate.ts).
   */
  definitions: ReadonlyMap<string, TableDefinition>;
}

/**
 * The cluster form of one single-node migration statement (see
 * cluster-layout.ts for where each table goes). Statements marked
 * `-- cluster: skip` are single-node only and give nothing; a statement this
 * cannot convert is an error naming it, never passed through unchanged.
 */
export function toClusterStatements(statement: string, ctx: ClusterContext): string[] {
  if (/^--\s*cluster:\s*skip\s*$/m.test(statement)) return [];
  const sql = stripComments(statement);
  const on = `ON CLUSTER ${ctx.cluster}`;
  const create = CREATE_TABLE.exec(sql);
  if (create) {
    const name = create[1]!;
    const layout = layoutOf(name);
    const twinOf = AS_OTHER.exec(create[2]!);
    if (twinOf) {
      const source = ctx.definitions.get(twinOf[1]!);
      if (!source || layout.kind !== 'node-local') throw new Error(`cannot convert for --cluster: ${sql.split('\n')[0]}`);
      const partition = source.partitionBy ? `PARTITION BY ${source.partitionBy}\n` : '';
      // A plain MergeTree with the source's keys: REPLACE PARTITION needs the same structure and keys.
      return [`CREATE TABLE IF NOT EXISTS ${name} ${on} AS ${source.name}\nENGINE = MergeTree\n${partition}ORDER BY ${source.orderBy}`];
    }
    const def = parseCreateTable(statement);
    if (!def) throw new Error(`cannot convert for --cluster: ${sql.split('\n')[0]}`);
    if (layout.kind === 'sharded') {
      const local = `${name}_local`;
      return [
        `CREATE TABLE IF NOT EXISTS ${local} ${on}\n${def.columns}\n${replicated(def, `/clickhouse/tables/{shard}/{database}/${local}`)}`,
        `CREATE TABLE IF NOT EXISTS ${name} ${on} AS ${local}\nENGINE = Distributed(${ctx.cluster}, ${ctx.database}, ${local}, ${layout.shardingKey})`,
      ];
    }
    if (layout.kind === 'everywhere') {
      return [`CREATE TABLE IF NOT EXISTS ${name} ${on}\n${def.columns}\n${replicated(def, `/clickhouse/tables/all/{database}/${name}`)}`];
    }
    return [`CREATE TABLE IF NOT EXISTS ${name} ${on}\n${def.columns}\nENGINE = ${def.engine}${def.engineArgs ? `(${def.engineArgs})` : ''}\n${def.clauses}`];
  }
  const drop = DROP_TABLE.exec(sql);
  if (drop) {
    const name = drop[1]!;
    const layout = layoutOf(name);
    // SYNC: a table created again right after must not meet the old one's replica path.
    const statements = [`DROP TABLE IF EXISTS ${name} ${on} SYNC`];
    if (layout.kind === 'sharded') statements.push(`DROP TABLE IF EXISTS ${name}_local ${on} SYNC`);
    return statements;
  }
  const alter = ALTER_TABLE.exec(sql);
  if (alter) {
    const name = alter[1]!;
    const rest = alter[2]!;
    const layout = layoutOf(name);
    if (layout.kind !== 'sharded') return [`ALTER TABLE ${name} ${on} ${rest}`];
    const statements = [`ALTER TABLE ${name}_local ${on} ${rest}`];
    // The Distributed table mirrors the columns of the local one.
    if (COLUMN_ALTER.test(rest)) statements.push(`ALTER TABLE ${name} ${on} ${rest}`);
    return statements;
  }
  const insert = INSERT_SELECT.exec(sql);
  // A backfill runs once, on the node that migrates: a replicated table copies it to every node, a Distributed one shards it.
  if (insert && layoutOf(insert[1]!).kind !== 'node-local') return [sql];
  const view = CREATE_VIEW.exec(sql);
  if (view && !view[1]) return [`CREATE VIEW IF NOT EXISTS ${view[2]} ${on} ${view[3]}`];
  throw new Error(`cannot convert for --cluster: ${sql.split('\n')[0]}`);
}
