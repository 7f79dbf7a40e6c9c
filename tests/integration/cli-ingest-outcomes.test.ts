import { mkdirSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journeys, tempStore } from '../helpers/run-cli.js';
import { writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';

const good = [page('/', { anonymousId: 'v1', at: at(0) }), track('Product Viewed', { anonymousId: 'v1', at: at(1) }), page('/', { anonymousId: 'v2', at: at(2) })];

describe('ingest: runs that dead-letter too much', () => {
  it('every record dead-lettered (records of another shape than the pipeline reads): exit 2, one line with the reason', () => {
    const crm = writeTemp('crm.ndjson', ['{"contact": {"id": 7}', '{"contact": {"id": 7}']);
    const result = journeys(['ingest', '--pipeline', 'ecommerce', '--input', crm, '--store', tempStore(), '--json']);
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ read: 2, valid: 0, dead_lettered: 2 });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/all 2 records were dead-lettered, nothing was ingested: is the input meant for pipeline ecommerce.* Most common reason: not JSON.* \(2 records, e\.g\. .*crm\.ndjson:\d\)/);
  });

  it('more than --warn-dead-share dead-lettered: a warning, exit 0; at or below it, nothing', () => {
    const store = tempStore();
    const mixed = writeTemp('mixed.ndjson', [...good, '{"type":"track"']);
    const warned = journeys(['ingest', '--pipeline', 'ecommerce', '--input', mixed, '--store', store]);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toMatch(/warning: 1 of 4 records \(25\.0%\) were dead-lettered\. Most common reason: not JSON.*\(1 record, e\.g\. .*mixed\.ndjson:4\)/);
    const quiet = journeys(['ingest', '--pipeline', 'ecommerce', '--input', mixed, '--store', store, '--warn-dead-share', '0.25']);
    expect(quiet).toMatchObject({ status: 0, stderr: '' });
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', mixed, '--store', store, '--warn-dead-share', '2'])).toMatchObject({ status: 2, stderr: expect.stringContaining('between 0 and 1') });
  });
});

describe('ingest: dead letters of one file, whatever the path it is given by', () => {
  it('./x, x, /abs/x, a/../x and a symlink to x are one origin: its bad line is one dead letter', () => {
    const store = tempStore();
    const file = writeTemp('x.ndjson', [...good, '{"type":"track"']);
    const dir = dirname(file);
    mkdirSync(join(dir, 'a'));
    symlinkSync(file, join(dir, 'link.ndjson'));
    for (const spelling of [`./${basename(file)}`, basename(file), file, `a/../${basename(file)}`, 'link.ndjson']) {
      expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', spelling, '--store', store, '--warn-dead-share', '1'], { cwd: dir }).status).toBe(0);
    }
    const rows = JSON.parse(journeys(['sql', 'SELECT origin FROM dead_letters FINAL', '--store', store, '--format', 'json']).stdout);
    expect(rows).toEqual([{ origin: `${file}:4` }]);
  });
});

describe('ingest: a full disk', () => {
  it('stops at once saying which disk is full, and leaves the store usable', () => {
    const store = tempStore();
    const first = writeTemp('first.ndjson', good);
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', first, '--store', store]).status).toBe(0);
    // A real NOT_ENOUGH_SPACE from ClickHouse without filling a disk: the events table
    // asks for more free space than any disk has before it takes an insert.
    const threshold = (sql: string) => expect(journeys(['sql', sql, '--store', store]).status).toBe(0);
    threshold('ALTER TABLE events MODIFY SETTING min_free_disk_bytes_to_perform_insert = 1000000000000000000');
    const more = writeTemp('more.ndjson', [page('/', { anonymousId: 'v3', at: at(5) }), page('/cart', { anonymousId: 'v3', at: at(6) })]);
    const started = Date.now();
    const full = journeys(['ingest', '--pipeline', 'ecommerce', '--input', more, '--store', store], { timeoutMs: 40_000 });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(full.status).toBe(1);
    expect(full.stderr.trim().split('\n')).toHaveLength(1);
    expect(full.stderr).toMatch(/the disk holding the embedded store .* is full: an insert into events could not be written \(ClickHouse: .*NOT_ENOUGH_SPACE.*\)\. Free space there/);
    // Space is back: the store opens (its lock was released), and the same ingest now goes through.
    threshold('ALTER TABLE events RESET SETTING min_free_disk_bytes_to_perform_insert');
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', more, '--store', store, '--json'])).toMatchObject({ status: 0 });
    const count = journeys(['sql', 'SELECT count() AS n FROM events FINAL', '--store', store, '--format', 'json']);
    expect(JSON.parse(count.stdout)).toEqual([{ n: 5 }]);
  });
});
