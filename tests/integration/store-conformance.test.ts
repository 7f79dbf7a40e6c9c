import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { resultSnapshot } from '../helpers/snapshot.js';
import { ServerStore, insertToken } from '../../src/stores/server-store.js';
import { StoreError, type Store } from '../../src/stores/store.js';
import { migrate } from '../../src/stores/migrate.js';
import { backoffDelayMs, withRetry } from '../../src/stores/retry.js';
import { RowBuffer } from '../../src/stores/row-buffer.js';
import { chunkLines } from '../../src/stores/insert-chunks.js';
import { EVENT_COLUMNS } from '../../src/stores/rows.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { writeGenerated } from '../../src/cli/commands/generate.js';

/**
 * One conformance suite for every store: the embedded engine always; a
 * ClickHouse server when CLICKHOUSE_URL is set (CLICKHOUSE_ANALYST_URL adds
 * the read-only checks) or when a Docker engine answers, in which case a
 * throwaway clickhouse-server container is started with deploy/'s users file.
 */
const IMAGE = 'clickhouse/clickhouse-server:25.8';

interface ServerTarget {
  url?: string;
  analystUrl?: string;
  reason: string;
  stop?: () => void;
}

function startDockerServer(): ServerTarget {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 15_000 });
  if (info.status !== 0) return { reason: 'CLICKHOUSE_URL is not set and no Docker engine answers (`docker info` failed), so testcontainers-style startup is impossible' };
  const users = resolve('deploy/clickhouse/users.d/journeys-users.yaml');
  const run = spawnSync('docker', ['run', '-d', '--rm', '-p', '127.0.0.1::8123', '-v', `${users}:/etc/clickhouse-server/users.d/journeys-users.yaml:ro`, IMAGE], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  const id = run.stdout.trim();
  if (run.status !== 0 || !id) return { reason: `a Docker engine answers but \`docker run ${IMAGE}\` failed: ${run.stderr.trim().split('\n').pop()}` };
  const stop = () => void spawnSync('docker', ['rm', '-f', id], { timeout: 60_000 });
  const port = /:(\d+)\s*$/.exec(spawnSync('docker', ['port', id, '8123/tcp'], { encoding: 'utf8' }).stdout.trim().split('\n')[0] ?? '')?.[1];
  if (!port) {
    stop();
    return { reason: 'the ClickHouse container started but its port could not be read' };
  }
  return { url: `http://journeys:journeys@127.0.0.1:${port}`, analystUrl: `http://analyst:analyst@127.0.0.1:${port}`, reason: `container ${IMAGE}`, stop };
}

async function waitForServer(target: ServerTarget): Promise<ServerTarget> {
  if (!target.url) return target;
  const base = new URL(target.url);
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base.protocol}//${base.host}/ping`)).ok) return target;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  target.stop?.();
  return { reason: `ClickHouse at ${base.host} did not answer /ping within 60 s` };
}

const server: ServerTarget = process.env['CLICKHOUSE_URL']
  ? { url: process.env['CLICKHOUSE_URL'], analystUrl: process.env['CLICKHOUSE_ANALYST_URL'], reason: 'CLICKHOUSE_URL' }
  : await waitForServer(startDockerServer());
if (!server.url) console.warn(`store conformance: server store tests skipped: ${server.reason}`);
afterAll(() => server.stop?.());

const database = () => `t_${Math.random().toString(36).slice(2, 10)}`;
const snapshots = new Map<string, string>();
let generatedInput: string;

beforeAll(async () => {
  generatedInput = join(mkdtempSync(join(tmpdir(), 'journeys-conf-')), 'gen.ndjson');
  const out = createWriteStream(generatedInput);
  await writeGenerated({ scenario: 'ecommerce', seed: 11, days: 1, visitorsPerDay: 300 }, out);
  out.end();
  await once(out, 'finish');
});

function eventLine(key: string, eventId: string, tsMs: number, name: string, properties: object = {}): string {
  const values: Record<string, unknown> = {
    pipeline: 'conf', key, ts: tsMs, event_id: eventId, received_at: tsMs, source: 'site', type: 'track', name, stage_index: 1, stage: 'awareness',
    nps: null, csat: null, properties,
  };
  return JSON.stringify(EVENT_COLUMNS.map((column) => values[column] ?? ''));
}

/** The contract every store keeps. */
function conformance(kind: string, open: () => Promise<{ store: Store; cleanup: () => Promise<void> }>) {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await open()));
  afterAll(async () => cleanup?.());

  it('migrations are recorded once and re-running them changes nothing', async () => {
    const again = await migrate(store);
    expect(again.every((r) => !r.applied)).toBe(true);
    const rows = await store.query<{ version: string }>('SELECT version FROM schema_migrations FINAL ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(again.map((r) => r.version));
  });

  it('passes values only as parameters, whatever they contain', async () => {
    const tricky = `it's a "test"\\ with\nnewline, tab\t, emoji 🚀 and {braces:String}`;
    const [row] = await store.query<{ s: string; n: number; t: string; a: string[] }>(
      'SELECT {s:String} AS s, {n:Int64} AS n, {t:DateTime64(3, \'UTC\')} AS t, {a:Array(String)} AS a',
      { s: tricky, n: -9_007_199_254_740_991, t: '2026-11-02 10:00:00.123', a: [tricky, ''] },
    );
    expect(row).toEqual({ s: tricky, n: -9_007_199_254_740_991, t: '2026-11-02 10:00:00.123', a: [tricky, ''] });
    await store.command('CREATE TABLE IF NOT EXISTS conf_kv (k String, v UInt64) ENGINE = MergeTree ORDER BY k');
    await store.command('INSERT INTO conf_kv VALUES ({k:String}, {v:UInt64})', { k: tricky, v: 7 });
    expect(await store.query('SELECT k, v FROM conf_kv WHERE k = {k:String}', { k: tricky })).toEqual([{ k: tricky, v: 7 }]);
    expect(await store.query('SELECT 1 AS x WHERE 0')).toEqual([]);
  });

  it('inserts JSONCompactEachRow rows; a repeated insert never shows twice', async () => {
    const lines = ['k1', 'k2', 'k3'].map((key, i) => eventLine(key, `e${i}`, Date.UTC(2026, 10, 2, 10, i), `Name "${i}"\nline`)).join('\n') + '\n';
    await store.insertCompactRows('events', EVENT_COLUMNS, lines);
    // What a retry after a lost answer sends: the same rows again (same deduplication token).
    await store.insertCompactRows('events', EVENT_COLUMNS, lines);
    const read = (final: string) =>
      store.query<{ key: string; name: string; n: number }>(
        `SELECT key, any(name) AS name, count() AS n FROM events ${final} WHERE pipeline = 'conf' AND key IN ('k1', 'k2', 'k3') GROUP BY key ORDER BY key`,
      );
    const once = [
      { key: 'k1', name: 'Name "0"\nline', n: 1 },
      { key: 'k2', name: 'Name "1"\nline', n: 1 },
      { key: 'k3', name: 'Name "2"\nline', n: 1 },
    ];
    expect(await read('FINAL')).toEqual(once);
    // The server drops the repeated part itself (insert_deduplication_token): not even a
    // duplicate row waiting for a merge. (chDB buffers inserts as async inserts, which
    // skip that check; the embedded store never retries, so it needs none.)
    if (kind === 'server') expect(await read('')).toEqual(once);
  });

  it('stores an event row\'s properties object as its exact JSON text', async () => {
    const properties = { quote: 'say "hi"\\', line: 'a\nb\tc', nested: [1, { z: null, t: true }], text: 'é€🚀', price: 19.99 };
    await store.insertCompactRows('events', EVENT_COLUMNS, `${eventLine('props', 'p1', Date.UTC(2026, 10, 4), 'x', properties)}\n`);
    const [row] = await store.query<{ properties: string; price: number }>(
      "SELECT properties, JSONExtractFloat(properties, 'price') AS price FROM events FINAL WHERE pipeline = 'conf' AND key = 'props'",
    );
    expect(row).toEqual({ properties: JSON.stringify(properties), price: 19.99 });
  });

  it('reads several rows in one line, as the pipeline writes them (RowBuffer.pushRows)', async () => {
    const row = (key: string, i: number, properties: object = {}) => JSON.parse(eventLine(key, `c${i}`, Date.UTC(2026, 10, 5, 0, 0, i), `chunk ${i}`, properties)) as unknown[];
    const buffer = new RowBuffer();
    buffer.pushRows([row('chunk-a', 0, { s: 'a,b],[c' }), row('chunk-a', 1), row('chunk-b', 2)]);
    buffer.pushRows([row('chunk-b', 3, { n: [1, 2] })]);
    await store.insertCompactRows('events', EVENT_COLUMNS, buffer.take());
    const rows = await store.query<{ key: string; name: string; properties: string }>(
      "SELECT key, name, properties FROM events FINAL WHERE pipeline = 'conf' AND startsWith(key, 'chunk-') ORDER BY name",
    );
    expect(rows).toEqual([
      { key: 'chunk-a', name: 'chunk 0', properties: '{"s":"a,b],[c"}' },
      { key: 'chunk-a', name: 'chunk 1', properties: '{}' },
      { key: 'chunk-b', name: 'chunk 2', properties: '{}' },
      { key: 'chunk-b', name: 'chunk 3', properties: '{"n":[1,2]}' },
    ]);
  });

  it('writes large payloads completely', async () => {
    const lines = Array.from({ length: 2_500 }, (_, i) => eventLine(`big${i % 50}`, `b${i}`, Date.UTC(2026, 10, 3, 0, 0, i), 'x')).join('\n') + '\n';
    await store.insertCompactRows('events', EVENT_COLUMNS, lines);
    const [row] = await store.query<{ n: number }>("SELECT count() AS n FROM events WHERE pipeline = 'conf' AND startsWith(key, 'big')");
    expect(row!.n).toBe(2_500);
  });

  it('a query with its own FORMAT clause: queryText returns the text as is, query refuses it', async () => {
    expect(await store.queryText("SELECT {n:UInt8} AS n, 'a\tb' AS s FORMAT TSVWithNames", { n: 3 })).toBe('n\ts\n3\ta\\tb\n');
    // CSV lines can parse as JSON (a number, a quoted string): never taken for rows.
    await expect(store.query("SELECT 'xy' FORMAT CSV")).rejects.toThrow(StoreError);
    await expect(store.query('SELECT 1 FORMAT TSV')).rejects.toThrow(StoreError);
  });

  it('reports a rejected query as a StoreError that quotes ClickHouse', async () => {
    await expect(store.query('SELECT no_such_column FROM events')).rejects.toThrow(StoreError);
    await expect(store.query('SELECT no_such_column FROM events')).rejects.toThrow(/no_such_column/);
    await expect(store.insertCompactRows('no_such_table', ['a'], '[1]\n')).rejects.toThrow(/no_such_table/);
  });

  it('runs the whole pipeline: ingest, sessions, rollups, reports', async () => {
    const { definition } = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' });
    const pipeline = compilePipeline(definition);
    const summary = await ingestFiles(store, pipeline, [generatedInput]);
    expect(summary.valid).toBeGreaterThan(1_000);
    // Re-ingesting changes nothing that can be seen.
    const first = await resultSnapshot(store, pipeline);
    await ingestFiles(store, pipeline, [generatedInput]);
    expect(await resultSnapshot(store, pipeline)).toBe(first);
    snapshots.set(kind, first);
  });
}

describe('store conformance: embedded (chDB)', () => {
  conformance('embedded', () => openTestStore());
});

describe('cluster DDL (--cluster) on the real parser', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  it('every converted statement is valid ClickHouse SQL', async () => {
    // A fresh database: the dry run must not find single-node tables there.
    const fresh = `fresh_${Math.random().toString(36).slice(2, 8)}`;
    await store.command(`CREATE DATABASE ${fresh}`);
    await store.command(`USE ${fresh}`);
    const results = await migrate(store, { dryRun: true, cluster: 'journeys' });
    const statements = results.flatMap((r) => r.sql);
    expect(statements.some((s) => s.includes('ENGINE = Distributed(journeys'))).toBe(true);
    for (const statement of statements) {
      const [row] = await store.query<{ ok: string }>('SELECT formatQuery({q:String}) AS ok', { q: statement });
      // DDL runs on every node; a backfill INSERT … SELECT runs once, on the node that migrates.
      if (statement.startsWith('INSERT INTO ')) expect(row!.ok, statement).toMatch(/^INSERT INTO funnel_(segment|driver)_hourly/);
      else expect(row!.ok, statement).toMatch(/ON CLUSTER journeys/);
    }
  });
});

describe.skipIf(!server.url)(`store conformance: ClickHouse server (${server.reason})`, () => {
  conformance('server', async () => {
    const store = await ServerStore.open({ url: server.url!, database: database(), createDatabase: true, maxLinesPerInsert: 1_000 });
    await migrate(store);
    return { store, cleanup: () => store.close() };
  });

  it('gives the same results as the embedded engine, byte for byte', () => {
    expect(snapshots.get('server')).toBeDefined();
    expect(snapshots.get('server')).toBe(snapshots.get('embedded'));
  });

  it('says when the credentials are wrong', async () => {
    const url = new URL(server.url!);
    url.password = 'certainly-wrong';
    await expect(ServerStore.open({ url: url.toString().replace(/\/$/, ''), database: 'default' })).rejects.toThrow(/rejected the credentials of user/);
  });

  it('says when the database is missing (and does not create it for readers)', async () => {
    await expect(ServerStore.open({ url: server.url!, database: 'journeys_missing_db' })).rejects.toThrow(/database "journeys_missing_db" does not exist/);
  });

  it.skipIf(!server.analystUrl)('the analysts\' read-only user can read but not insert or alter', async () => {
    const db = database();
    const writer = await ServerStore.open({ url: server.url!, database: db, createDatabase: true });
    await migrate(writer);
    await writer.close();
    const analyst = await ServerStore.open({ url: server.analystUrl!, database: db });
    try {
      expect((await migrate(analyst)).every((r) => !r.applied)).toBe(true); // up to date: nothing written
      expect(await analyst.query('SELECT count() AS n FROM events')).toEqual([{ n: 0 }]);
      await expect(analyst.insertCompactRows('events', EVENT_COLUMNS, `${eventLine('a', 'a', 0, 'x')}\n`)).rejects.toThrow(/read-only|readonly|not enough privileges/i);
      await expect(analyst.command('ALTER TABLE events DELETE WHERE 1')).rejects.toThrow(/read-only|readonly|not enough privileges/i);
      await expect(analyst.command('DROP TABLE events')).rejects.toThrow(/read-only|readonly|not enough privileges/i);
    } finally {
      await analyst.close();
    }
  });
});

describe('server store errors that need no server', () => {
  let http: Server;
  let httpPort: number;
  beforeAll(async () => {
    http = createServer((_, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>'));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    httpPort = (http.address() as { port: number }).port;
  });
  afterAll(() => http.close());
  const quick = { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 };

  it('a port where nothing listens: connection refused, named as such', async () => {
    // Bind and release a port so that nothing listens on it.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as { port: number }).port;
    probe.close();
    await once(probe, 'close');
    await expect(ServerStore.open({ url: `http://127.0.0.1:${port}`, database: 'journeys', retry: quick })).rejects.toThrow(
      new RegExp(`cannot reach ClickHouse at http://default@127.0.0.1:${port}: connection refused`),
    );
  });

  it('an HTTP server that is not ClickHouse', async () => {
    await expect(ServerStore.open({ url: `http://127.0.0.1:${httpPort}`, database: 'journeys', retry: quick })).rejects.toThrow(/does not answer like a ClickHouse server/);
  });

  it('malformed URLs never reach the network, and the password is never echoed', async () => {
    await expect(ServerStore.open({ url: 'ftp://host:21', database: 'journeys' })).rejects.toThrow(/scheme must be http/);
    await expect(ServerStore.open({ url: 'http://host:8123/journeys', database: 'journeys' })).rejects.toThrow(/no path/);
    await expect(ServerStore.open({ url: 'http://u:secret@127.0.0.1:1', database: 'journeys', retry: quick })).rejects.toThrow(/^(?!.*secret)/s);
    await expect(ServerStore.open({ url: 'http://127.0.0.1:8123', database: 'bad-name' })).rejects.toThrow(/invalid database name/);
  });
});

describe('insert retries and batching', () => {
  it('retries retriable failures with backoff and gives up on the others at once', async () => {
    const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 };
    let calls = 0;
    const flaky = await withRetry(
      async () => {
        if (++calls < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return 'ok';
      },
      { policy, isRetriable: () => true },
    );
    expect([flaky, calls]).toEqual(['ok', 3]);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw new StoreError('bad credentials', false); }, { policy, isRetriable: (e) => (e as StoreError).retriable })).rejects.toThrow('bad credentials');
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw new Error('still down'); }, { policy, isRetriable: () => true })).rejects.toThrow('still down');
    expect(calls).toBe(4);
  });

  it('backs off exponentially with full jitter, capped', () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(policy, attempt, () => 1))).toEqual([100, 200, 400, 800, 1_000]);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(0);
  });

  it('splits payloads on line boundaries and keys each part by its bytes', () => {
    const parts = (payload: string, maxLines: number) => [...chunkLines(Buffer.from(payload), maxLines)].map((part) => Buffer.from(part).toString());
    expect(parts('a\nb\nc\nd\ne\n', 2)).toEqual(['a\nb\n', 'c\nd\n', 'e\n']);
    expect(parts('a\nb', 5)).toEqual(['a\nb\n']);
    // A multi-byte character never splits: only 0x0a ends a row.
    expect(parts('"é€😀"\n"x"\n', 1)).toEqual(['"é€😀"\n', '"x"\n']);
    expect(insertToken('events', ['a'], 'x\n')).toBe(insertToken('events', ['a'], 'x\n'));
    expect(insertToken('events', ['a'], 'x\n')).not.toBe(insertToken('sessions', ['a'], 'x\n'));
    expect(insertToken('events', ['a'], 'x\n')).not.toBe(insertToken('events', ['a'], 'y\n'));
  });
});
