import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { writeTemp } from '../helpers/store.js';
import { page } from '../helpers/segment.js';

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
    const input = writeTemp('one.ndjson', [page('/', { anonymousId: 'v1' })]);
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
