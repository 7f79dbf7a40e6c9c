import { mkdtempSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { writeTemp } from '../helpers/store.js';
import { at, page } from '../helpers/segment.js';

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** An infrastructure fault: exit 1 and one line naming the cause. */
function expectOneLineFault(result: { status: number | null; stderr: string }, text: string | RegExp): void {
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(text);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
}

/** A user mistake: exit 2 and one plain line (no stack trace) saying what to do. */
function expectOneLineMistake(result: { status: number | null; stderr: string }, text: string | RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(text);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('CLI: ranges and baselines that select nothing are refused', () => {
  it('--from later than --to is refused by every command that takes a range', () => {
    const store = tempStore();
    const range = ['--from', '2026-11-05T00:00:00Z', '--to', '2026-11-02T00:00:00Z', '--store', store];
    for (const command of [['funnel'], ['abandonment'], ['bottlenecks'], ['alerts', 'list'], ['alerts', 'check']]) {
      expectOneLineMistake(journeys([...command, '--pipeline', 'ecommerce', ...range]), /--from \(2026-11-05T00:00:00Z\) must be before --to/);
    }
  });

  it('bottlenecks --baseline without --from is refused (the period before the first session is empty)', () => {
    const store = tempStore();
    expectOneLineMistake(journeys(['bottlenecks', '--pipeline', 'ecommerce', '--baseline', 'previous', '--store', store]), /--baseline .* give --from/);
    expectOneLineMistake(journeys(['bottlenecks', '--pipeline', 'ecommerce', '--baseline', '7d', '--to', '2026-11-05T00:00:00Z', '--store', store]), /give --from/);
  });

  it('journeys --version prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(journeys(['--version'])).toMatchObject({ status: 0, stdout: `journeys ${version}\n` });
  });
});

describe('CLI: a database that does not exist', () => {
  it('read commands say so, list the databases that exist, and create nothing', () => {
    const store = tempStore();
    const input = writeTemp('one.ndjson', [page('/', { anonymousId: 'v1', at: at(0) })]);
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', input, '--store', store]).status).toBe(0);
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', input, '--store', store, '--database', 'second']).status).toBe(0);
    const listed = /database "nosuch" does not exist in embedded:.*; the journeys databases there are journeys, second: pass one of them with --database/;
    expectOneLineMistake(journeys(['sql', 'SELECT count() FROM events', '--database', 'nosuch', '--store', store]), listed);
    expectOneLineMistake(journeys(['funnel', '--pipeline', 'ecommerce', '--database', 'nosuch', '--store', store]), listed);
    expectOneLineMistake(journeys(['abandonment', '--pipeline', 'ecommerce', '--database', 'nosuch', '--store', store]), listed);
    expectOneLineMistake(journeys(['bottlenecks', '--pipeline', 'ecommerce', '--database', 'nosuch', '--store', store]), listed);
    expectOneLineMistake(journeys(['alerts', 'list', '--pipeline', 'ecommerce', '--database', 'nosuch', '--store', store]), listed);
    const databases = journeys(['sql', 'SELECT name FROM system.databases ORDER BY name', '--format', 'json', '--store', store]);
    expect(JSON.parse(databases.stdout).map((row: { name: string }) => row.name)).not.toContain('nosuch');
  });

  it('a store with no journeys database yet says how to make one', () => {
    expectOneLineMistake(journeys(['sql', 'SELECT 1', '--store', tempStore()]), /database "journeys" does not exist .* create one with journeys migrate or journeys ingest/);
  });
});

describe('CLI: mistakes and faults end in one line, never a stack trace', () => {
  const ndjson = writeTemp('events.ndjson', [page('/', { anonymousId: 'v1', at: at(0) }), page('/cart', { anonymousId: 'v1', at: at(1) })]);

  it('an NDJSON file read with --format csv, and a directory as --input, are user mistakes (exit 2)', () => {
    const store = tempStore();
    expectOneLineMistake(journeys(['ingest', '--pipeline', 'ecommerce', '--input', ndjson, '--format', 'csv', '--store', store]), /events\.ndjson.*CSV.*pass --format ndjson/);
    const dir = mkdtempSync(join(tmpdir(), 'journeys-dir-'));
    expectOneLineMistake(journeys(['ingest', '--pipeline', 'ecommerce', '--input', dir, '--store', store]), /is a directory: give the files in it/);
    expectOneLineMistake(journeys(['produce', '--topic', 't', '--brokers', '127.0.0.1:9', '--pipeline', 'ecommerce', '--input', dir]), /is a directory/);
  });

  it('sql with its own FORMAT clause prints ClickHouse\'s text as is', () => {
    const store = tempStore();
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', ndjson, '--store', store]).status).toBe(0);
    expect(journeys(['sql', "SELECT count() AS n, 'a\tb' AS s FROM events FORMAT TSV", '--store', store])).toMatchObject({ status: 0, stdout: '2\ta\\tb\n' });
    expect(journeys(['sql', "SELECT 'xy' AS s, 1 AS n FORMAT CSVWithNames;", '--store', store])).toMatchObject({ status: 0, stdout: '"s","n"\n"xy",1\n' });
    expect(journeys(['sql', 'SELECT {n:UInt8} AS n FORMAT CSV', '--param', 'n=7', '--store', store])).toMatchObject({ status: 0, stdout: '7\n' });
    expectOneLineMistake(journeys(['sql', 'SELECT 1 FORMAT CSV', '--format', 'json', '--store', store]), /either --format or a FORMAT clause/);
  });

  it('an unreachable ClickHouse server is one line naming it (no client log lines)', async () => {
    const port = await closedPort();
    expectOneLineFault(journeys(['sql', 'SELECT 1', '--store', `http://127.0.0.1:${port}`]), new RegExp(`cannot reach ClickHouse at http://default@127.0.0.1:${port}: connection refused`));
  });

  it('an unreachable Kafka broker fails within seconds with one line (produce and run)', async () => {
    const broker = `127.0.0.1:${await closedPort()}`;
    const expected = new RegExp(`cannot reach a Kafka broker at ${broker} \\(.*ECONNREFUSED.*\\)\\. Is Kafka running there`);
    let started = Date.now();
    expectOneLineFault(journeys(['produce', '--topic', 't', '--brokers', broker, '--generate', '--days', '1', '--visitors-per-day', '5']), expected);
    expect(Date.now() - started).toBeLessThan(8_000);
    started = Date.now();
    expectOneLineFault(journeys(['run', '--pipeline', 'ecommerce', '--brokers', broker, '--topics', 't', '--group', 'g', '--store', tempStore()]), expected);
    expect(Date.now() - started).toBeLessThan(8_000);
  });
});

describe('CLI: passwords in a store URL are never printed', () => {
  it.each(['mysql://root:hunter2@db:3306', 'http://u:hunter2@ho st:8123', 'http//u:hunter2@host:8123', 'http://u:hunter2@127.0.0.1:8123/journeys'])('--store %s', (spec) => {
    const result = journeys(['sql', 'SELECT 1', '--store', spec]);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
