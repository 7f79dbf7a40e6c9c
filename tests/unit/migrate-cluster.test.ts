import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCreateTable, toClusterStatements, type TableDefinition } from '../../src/stores/cluster-ddl.js';
import { CLUSTER_LAYOUT } from '../../src/stores/cluster-layout.js';
import { eventsTtlStatement } from '../../src/stores/events-ttl.js';
import { listSql, readSql, splitStatements } from '../../src/stores/sql-files.js';

const EVENTS = `-- Normalized events.
CREATE TABLE IF NOT EXISTS events
(
    pipeline LowCardinality(String),
    ts       DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (pipeline, key, ts, event_id)`;

const FUNNEL = `CREATE TABLE IF NOT EXISTS funnel_hourly
(
    pipeline LowCardinality(String),
    hour     DateTime('UTC')
)
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, hour)`;

const definitions = new Map<string, TableDefinition>([['funnel_hourly', parseCreateTable(FUNNEL)!]]);
const ctx = { cluster: 'prod', database: 'journeys', definitions };

describe('single-node migrations in their cluster form', () => {
  it('parses a CREATE TABLE into columns, engine and keys', () => {
    expect(parseCreateTable(EVENTS)).toMatchObject({
      name: 'events',
      engine: 'ReplacingMergeTree',
      engineArgs: '',
      partitionBy: 'toYYYYMM(ts)',
      orderBy: '(pipeline, key, ts, event_id)',
    });
    expect(parseCreateTable('CREATE TABLE IF NOT EXISTS s (v UInt64) ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY v')).toMatchObject({
      engineArgs: 'version, is_deleted',
      partitionBy: undefined,
    });
  });

  it('sharded tables: a Replicated local table per shard and a Distributed table by key', () => {
    expect(toClusterStatements(EVENTS, ctx)).toEqual([
      `CREATE TABLE IF NOT EXISTS events_local ON CLUSTER prod
(
    pipeline LowCardinality(String),
    ts       DateTime64(3, 'UTC')
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')
PARTITION BY toYYYYMM(ts)
ORDER BY (pipeline, key, ts, event_id)`,
      `CREATE TABLE IF NOT EXISTS events ON CLUSTER prod AS events_local
ENGINE = Distributed(prod, journeys, events_local, cityHash64(pipeline, key))`,
    ]);
  });

  it('version and deleted columns stay the Replacing engine\'s arguments', () => {
    const [local] = toClusterStatements('CREATE TABLE IF NOT EXISTS sessions (v UInt64) ENGINE = ReplacingMergeTree(version, is_deleted) ORDER BY v', ctx);
    expect(local).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/sessions_local', '{replica}', version, is_deleted)");
  });

  it('rollups live whole on every node; their staging twins are node-local MergeTrees with the same keys', () => {
    expect(toClusterStatements(FUNNEL, ctx)[0]).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/funnel_hourly', '{replica}')");
    expect(toClusterStatements('CREATE TABLE IF NOT EXISTS funnel_hourly_staging AS funnel_hourly', ctx)).toEqual([
      `CREATE TABLE IF NOT EXISTS funnel_hourly_staging ON CLUSTER prod AS funnel_hourly
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, hour)`,
    ]);
  });

  it('ALTERs reach the local tables ON CLUSTER (and the Distributed table for column changes); single-node-only statements are skipped', () => {
    expect(toClusterStatements('ALTER TABLE events MODIFY SETTING x = 1', ctx)).toEqual(['ALTER TABLE events_local ON CLUSTER prod MODIFY SETTING x = 1']);
    expect(toClusterStatements('ALTER TABLE events ADD COLUMN c UInt8', ctx)).toEqual([
      'ALTER TABLE events_local ON CLUSTER prod ADD COLUMN c UInt8',
      'ALTER TABLE events ON CLUSTER prod ADD COLUMN c UInt8',
    ]);
    expect(toClusterStatements('ALTER TABLE funnel_hourly DROP COLUMN c', ctx)).toEqual(['ALTER TABLE funnel_hourly ON CLUSTER prod DROP COLUMN c']);
    expect(toClusterStatements('-- why\n-- cluster: skip\nALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 1000', ctx)).toEqual([]);
  });

  it('005 adds raw_base64 to the dead letters of every shard and to their Distributed table', () => {
    const [statement] = splitStatements(readSql('migrations/005_dead_letter_bytes.sql'));
    expect(toClusterStatements(statement!, ctx)).toEqual([
      "ALTER TABLE dead_letters_local ON CLUSTER prod ADD COLUMN IF NOT EXISTS raw_base64 String DEFAULT '' AFTER raw",
      "ALTER TABLE dead_letters ON CLUSTER prod ADD COLUMN IF NOT EXISTS raw_base64 String DEFAULT '' AFTER raw",
    ]);
  });

  it('refuses what it cannot convert instead of running it on one node', () => {
    expect(() => toClusterStatements('CREATE TABLE IF NOT EXISTS mystery (a UInt8) ENGINE = MergeTree ORDER BY a', ctx)).toThrow(/no cluster layout/);
    expect(() => toClusterStatements('OPTIMIZE TABLE events FINAL', ctx)).toThrow(/cannot convert/);
  });

  it('every shipped migration converts, and every table it creates has a layout', () => {
    const files = listSql('migrations').map((file) => splitStatements(readSql(`migrations/${file}`)));
    const all = new Map(files.flat().map((s) => parseCreateTable(s)).filter((d) => d !== undefined).map((d) => [d.name, d]));
    for (const statement of files.flat()) expect(() => toClusterStatements(statement, { ...ctx, definitions: all })).not.toThrow();
    for (const name of all.keys()) expect(CLUSTER_LAYOUT[name], name).toBeDefined();
  });
});

describe('raw events TTL', () => {
  it('counts from received_at, so a backfill of old events is kept for the whole TTL', () => {
    expect(eventsTtlStatement({ ttl: { seconds: 400 * 86_400 }, current: undefined })).toBe('ALTER TABLE events MODIFY TTL toDateTime(received_at) + toIntervalSecond(34560000)');
    expect(eventsTtlStatement({ ttl: { seconds: 86_400 }, current: undefined, cluster: 'prod' })).toBe(
      'ALTER TABLE events_local ON CLUSTER prod MODIFY TTL toDateTime(received_at) + toIntervalSecond(86400)',
    );
  });

  it('is off unless asked for, changes nothing when already so, and refuses nonsense', () => {
    expect(eventsTtlStatement({ ttl: 'off', current: undefined })).toBeUndefined();
    expect(eventsTtlStatement({ ttl: 'off', current: 'toDateTime(received_at) + toIntervalSecond(86400)' })).toBe('ALTER TABLE events REMOVE TTL');
    expect(eventsTtlStatement({ ttl: { seconds: 86_400 }, current: 'toDateTime(received_at) + toIntervalSecond(86400)' })).toBeUndefined();
    expect(() => eventsTtlStatement({ ttl: { seconds: 60 }, current: undefined })).toThrow(/between 1 hour/);
    expect(() => eventsTtlStatement({ ttl: { seconds: 1.5 * 3600 + 0.5 }, current: undefined })).toThrow(/whole number/);
  });
});

describe('journeys migrate (CLI)', () => {
  const journeys = (args: string[]) => spawnSync(process.execPath, ['bin/journeys.js', 'migrate', ...args], { encoding: 'utf8', env: { ...process.env, JOURNEYS_STORE: '' } });

  it('applies once, prints the cluster SQL in a dry run, and sets and removes the events TTL', () => {
    const store = `embedded:${mkdtempSync(join(tmpdir(), 'journeys-migrate-'))}`;
    const dry = journeys(['--dry-run', '--cluster', 'journeys', '--store', store]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/001_facts\s+would apply/);
    expect(dry.stdout).toContain('CREATE TABLE IF NOT EXISTS events ON CLUSTER journeys AS events_local');
    expect(journeys(['--store', store]).stdout).toMatch(/001_facts\s+applied/);
    expect(journeys(['--store', store]).stdout).toMatch(/001_facts\s+already applied/);
    expect(journeys(['--store', store, '--events-ttl', '30d']).stdout).toContain('ran: ALTER TABLE events MODIFY TTL toDateTime(received_at) + toIntervalSecond(2592000)');
    expect(journeys(['--store', store, '--events-ttl', '30d']).stdout).toContain('events TTL: unchanged');
    expect(journeys(['--store', store, '--events-ttl', 'off']).stdout).toContain('ran: ALTER TABLE events REMOVE TTL');
    const cluster = journeys(['--store', store, '--cluster', 'journeys']);
    expect(cluster).toMatchObject({ status: 1, stderr: expect.stringContaining('was migrated for a single node') });
  });

  it('rejects bad flags with exit 2', () => {
    expect(journeys(['--cluster', 'no-dashes', '--dry-run'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--cluster') });
    expect(journeys(['--events-ttl', '5m', '--dry-run'])).toMatchObject({ status: 2, stderr: expect.stringContaining('at least 1h') });
    expect(journeys(['--store', 'mysql://x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('http(s)://') });
  });
});
