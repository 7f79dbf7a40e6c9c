import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EmbeddedStore } from '../../src/stores/embedded-store.js';
import { migrate } from '../../src/stores/migrate.js';

/**
 * The provisioned dashboard (deploy/grafana/dashboards/journeys.json):
 * Grafana's own TypeScript types, the fields Grafana needs to load it, its
 * variables, and every query run on the migrated schema through chDB with
 * the variables and macros expanded the way Grafana's ClickHouse plugin
 * expands them. `JOURNEYS_DASHBOARD` (env) checks another copy of the file.
 */
const DASHBOARD_PATH = resolve(process.env['JOURNEYS_DASHBOARD'] ?? 'deploy/grafana/dashboards/journeys.json');
const DATASOURCES_PATH = 'deploy/grafana/provisioning/datasources/clickhouse.yaml';

interface Target { refId: string; datasource?: { type?: string; uid?: string }; rawSql?: string }
interface PanelJson { id?: number; type: string; title?: string; gridPos?: { h: number; w: number; x: number; y: number }; datasource?: { type?: string; uid?: string }; targets?: Target[] }
interface VariableJson { name: string; type: string; query?: string; datasource?: { type?: string; uid?: string }; current?: { value?: unknown } }
interface DashboardJson { uid?: string; title?: string; schemaVersion?: number; panels?: PanelJson[]; templating?: { list?: VariableJson[] } }

const text = readFileSync(DASHBOARD_PATH, 'utf8');
const board = JSON.parse(text) as DashboardJson;
const variables = board.templating?.list ?? [];
const panels = board.panels ?? [];
const source = (parse(readFileSync(DATASOURCES_PATH, 'utf8')) as { datasources: Array<{ uid: string; type: string; jsonData: { defaultDatabase: string } }> }).datasources[0]!;

/** The plugin's macros (grafana/clickhouse-datasource pkg/macros/macros.go). */
const MACROS = new Set(['fromTime', 'toTime', 'fromTime_ms', 'toTime_ms', 'timeFilter', 'timeFilter_ms', 'dateFilter', 'dateTimeFilter', 'dt', 'timeInterval', 'timeInterval_ms', 'interval_s']);
const queries = [
  ...variables.filter((v) => v.type === 'query').map((v) => ({ where: `variable ${v.name}`, sql: v.query ?? '' })),
  ...panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${p.id} "${p.title}"`, sql: t.rawSql ?? '' }))),
];
/** `${name}`, `${name:format}` and `$name` (not `$__macro`). */
const usedVariables = (s: string) => [...s.matchAll(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g)].map((m) => ({ name: m[1] ?? m[3]!, format: m[2] }));

/**
 * Type-checks the file's content as an object literal against
 * @grafana/schema's Dashboard: a JSON import would widen `"textbox"` to
 * string and could not be checked against the literal unions, so the JSON
 * text goes into a virtual module that tsc compiles with `satisfies`.
 */
function dashboardTypeErrors(json: string): string[] {
  const file = resolve('tests/unit/__dashboard-check.ts');
  const code = `import type { Dashboard } from '@grafana/schema';\nexport const dashboard = (${json}) satisfies Dashboard;\n`;
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (resolve(name) === file ? ts.createSourceFile(name, code, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? dirname(d.file.fileName) === dirname(file) ? 'dashboard' : d.file.fileName : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe(`Grafana dashboard ${DASHBOARD_PATH}`, () => {
  it("conforms to @grafana/schema's Dashboard type", () => {
    expect(dashboardTypeErrors(text)).toEqual([]);
  }, 60_000);

  it('has what Grafana needs to provision it: uid, title, schemaVersion, panels with unique ids laid out on the grid', () => {
    expect(board.uid).toMatch(/^[\w-]{1,40}$/);
    expect(board.title).toBeTruthy();
    expect(board.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(panels.length).toBeGreaterThan(0);
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id)), 'every panel has an id').toBe(true);
    expect(new Set(ids).size, 'panel ids are unique').toBe(panels.length);
    const cells = new Map<string, string>();
    for (const p of panels) {
      const g = p.gridPos;
      expect(g, `${p.title}: gridPos`).toBeDefined();
      expect([g!.h, g!.w, g!.x, g!.y].every((n) => Number.isInteger(n) && n >= 0) && g!.w > 0 && g!.h > 0 && g!.x + g!.w <= 24, `${p.title}: gridPos inside the 24 columns`).toBe(true);
      for (let x = g!.x; x < g!.x + g!.w; x++) for (let y = g!.y; y < g!.y + g!.h; y++) {
        expect(cells.get(`${x},${y}`), `${p.title} overlaps`).toBeUndefined();
        cells.set(`${x},${y}`, p.title ?? '');
      }
    }
  });

  it('every panel, target and query variable uses the provisioned data source', () => {
    const refs = [...panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]), ...variables.filter((v) => v.type === 'query').map((v) => v.datasource)];
    for (const ref of refs) expect(ref).toEqual({ type: source.type, uid: source.uid });
    for (const p of panels) expect(p.targets?.length, `${p.title}: targets`).toBeGreaterThan(0);
  });

  it('takes the database as a variable, defaulting to the data source\'s, and no query names a database', () => {
    const database = variables.find((v) => v.name === 'database');
    expect(['constant', 'textbox', 'custom']).toContain(database?.type);
    expect(database?.current?.value).toBe(source.jsonData.defaultDatabase);
    expect(variables[0]?.name, 'declared first: the query variables use it').toBe('database');
    for (const { where, sql } of queries) {
      expect(sql, where).not.toMatch(new RegExp(`\\b${source.jsonData.defaultDatabase}\\.`));
      // Every table read is ${database}.<table> (or a subquery).
      for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+(\S+)/gi)) expect(m[1], `${where}: ${m[0]}`).toMatch(/^(\(|\$\{database\}\.\w+)/);
    }
  });

  it('uses only declared variables and known macros, string values quoted with :singlequote', () => {
    const declared = new Set(variables.map((v) => v.name));
    const texts = [...queries, ...panels.map((p) => ({ where: `panel ${p.id} title`, sql: p.title ?? '' }))];
    for (const { where, sql } of texts) {
      for (const used of usedVariables(sql)) expect(declared.has(used.name), `${where}: $${used.name} is not a dashboard variable`).toBe(true);
      for (const m of sql.matchAll(/\$__(\w+)/g)) expect(MACROS.has(m[1]!), `${where}: unknown macro $__${m[1]}`).toBe(true);
    }
    for (const { where, sql } of queries) {
      // The database is an identifier; every other variable is a string value.
      for (const used of usedVariables(sql)) {
        if (used.name === 'database') expect(used.format, `${where}: $database is an identifier`).toBeUndefined();
        else expect(used.format, `${where}: $${used.name}`).toBe('singlequote');
      }
      expect(sql, `${where}: quoted by hand`).not.toMatch(/'\$/);
    }
  });
});

/** Grafana's interpolation and the plugin's macros, for a range [from, to] in seconds. */
function expand(sql: string, values: Record<string, string>, range: { from: number; to: number }): string {
  return sql
    .replace(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g, (_all, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
      const value = values[braced ?? bare!]!;
      // :singlequote escapes ' as \' and quotes the value (Grafana's "Advanced variable format options").
      return format === 'singlequote' ? `'${value.replaceAll("'", "\\'")}'` : value;
    })
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_all, column: string) => `${column} >= toDateTime(${range.from}) AND ${column} <= toDateTime(${range.to})`)
    .replaceAll('$__fromTime', `toDateTime(${range.from})`)
    .replaceAll('$__toTime', `toDateTime(${range.to})`);
}

describe('the dashboard\'s queries run on the migrated schema (chDB)', () => {
  // A database name other than the default: a query that ignored ${database} would fail.
  const database = `grafana_${Math.random().toString(36).slice(2, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'journeys-grafana-'));
  let store: EmbeddedStore;
  beforeAll(async () => {
    store = await EmbeddedStore.open({ dir, database });
    await migrate(store);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every variable and panel query', async () => {
    const values = { database, pipeline: "o'brien", level: 'session', mode: 'reached', rule: 'checkout_abandonment' };
    const range = { from: Date.parse('2026-11-01T00:00:00Z') / 1000, to: Date.parse('2026-11-08T00:00:00Z') / 1000 };
    for (const { where, sql } of queries) {
      await expect(store.query(expand(sql, values, range)).then(() => 'ran'), where).resolves.toBe('ran');
    }
  }, 120_000);
});
