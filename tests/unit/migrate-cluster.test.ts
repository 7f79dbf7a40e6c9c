import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCreateTable, stripComments, toClusterStatements, type TableDefinition } from '../../src/stores/cluster-ddl.js';
import { clusterMigrations, migrate } from '../../src/stores/migrate.js';
import type { Store } from '../../src/stores/store.js';
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

  it('a backfill INSERT … SELECT into a replicated or Distributed table runs once as it is; into a node-local table it is refused', () => {
    const backfill = 'INSERT INTO funnel_segment_hourly SELECT * FROM funnel_hourly';
    expect(toClusterStatements(`-- why\n${backfill}`, ctx)).toEqual([backfill]);
    expect(toClusterStatements('INSERT INTO events SELECT * FROM events', ctx)).toEqual(['INSERT INTO events SELECT * FROM events']);
    expect(() => toClusterStatements('INSERT INTO funnel_hourly_staging SELECT * FROM funnel_hourly', ctx)).toThrow(/cannot convert/);
  });

  it('refuses what it cannot convert instead of running it on one node', () => {
    expect(() => toClusterStatements('CREATE TABLE IF NOT EXISTS mystery (a UInt8) ENGINE = MergeTree ORDER BY a', ctx)).toThrow(/no cluster layout/);
    expect(() => toClusterStatements('OPTIMIZE TABLE events FINAL', ctx)).toThrow(/cannot convert/);
  });

  it('every shipped migration converts, and every table it creates has a layout', () => {
    const files = listSql('migrations').map((file) => ({ statements: splitStatements(readSql(`migrations/${file}`)) }));
    expect(() => clusterMigrations(files, 'prod', 'journeys')).not.toThrow();
    const created = files.flatMap((f) => f.statements).map((s) => /^CREATE TABLE IF NOT EXISTS (\w+)/m.exec(stripComments(s))?.[1]);
    for (const name of created.filter((n) => n !== undefined)) expect(CLUSTER_LAYOUT[name], name).toBeDefined();
  });

  it('a staging twin gets the keys of its source as defined where it runs, not as a later migration redefines it', () => {
    const v1 = 'CREATE TABLE IF NOT EXISTS funnel_hourly (pipeline String, hour DateTime) ENGINE = MergeTree PARTITION BY toYYYYMMDD(hour) ORDER BY (pipeline, hour)';
    const v2 = 'CREATE TABLE IF NOT EXISTS funnel_hourly (pipeline String, level String, hour DateTime) ENGINE = MergeTree ORDER BY (pipeline, level, hour)';
    const twin = 'CREATE TABLE IF NOT EXISTS funnel_hourly_staging AS funnel_hourly';
    const [first, second] = clusterMigrations(
      [{ statements: [v1, twin] }, { statements: ['DROP TABLE IF EXISTS funnel_hourly', 'DROP TABLE IF EXISTS funnel_hourly_staging', v2, twin] }],
      'prod',
      'journeys',
    );
    expect(first![1]).toBe('CREATE TABLE IF NOT EXISTS funnel_hourly_staging ON CLUSTER prod AS funnel_hourly\nENGINE = MergeTree\nPARTITION BY toYYYYMMDD(hour)\nORDER BY (pipeline, hour)');
    expect(second!.at(-1)).toBe('CREATE TABLE IF NOT EXISTS funnel_hourly_staging ON CLUSTER prod AS funnel_hourly\nENGINE = MergeTree\nORDER BY (pipeline, level, hour)');
    // CREATE … IF NOT EXISTS of a table in force changes nothing on the server, nor here.
    expect(clusterMigrations([{ statements: [v1, v2, twin] }], 'prod', 'journeys')[0]!.at(-1)).toContain('ORDER BY (pipeline, hour)');
    // A twin of a dropped table is refused.
    expect(() => clusterMigrations([{ statements: [v1, 'DROP TABLE IF EXISTS funnel_hourly', twin] }], 'prod', 'journeys')).toThrow(/cannot convert/);
  });
});

/** Column names of a `(name Type, …)` list (comments left out). */
function columnNames(list: string): string[] {
  const body = list.replace(/--.*$/gm, '').trim().replace(/^\(/, '').replace(/\)$/, '');
  const names: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    const c = body[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === body.length) {
      const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(body.slice(start, i))?.[1];
      if (name) names.push(name);
      start = i + 1;
    }
  }
  return names;
}

/** The column names an expression reads (identifiers not called as functions). */
function identifiers(expression: string): string[] {
  return [...expression.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()/g)].map((m) => m[1]!);
}

/**
 * Replays the cluster DDL as a server would: the columns of every table in
 * force after each statement. Returns, for each CREATE of a MergeTree, its
 * keys and the columns it has where it runs.
 */
function replayClusterDdl(statements: string[]): Array<{ table: string; statement: string; columns: string[]; keys: string[] }> {
  const tables = new Map<string, string[]>();
  const created: Array<{ table: string; statement: string; columns: string[]; keys: string[] }> = [];
  for (const statement of statements) {
    const create = /^CREATE TABLE IF NOT EXISTS (\w+) ON CLUSTER \w+\s*(?:AS (\w+)\s*)?([\s\S]*)$/.exec(statement);
    const drop = /^DROP TABLE IF EXISTS (\w+) ON CLUSTER \w+ SYNC$/.exec(statement);
    const alter = /^ALTER TABLE (\w+) ON CLUSTER \w+ (ADD|DROP) COLUMN (?:IF (?:NOT )?EXISTS )?(\w+)/.exec(statement);
    if (create) {
      const [, table, source, rest] = create as unknown as [string, string, string | undefined, string];
      if (tables.has(table!)) continue; // IF NOT EXISTS
      if (source !== undefined) expect(tables.has(source), `${table} AS ${source}: ${source} does not exist there`).toBe(true);
      const end = source === undefined ? rest.indexOf('\nENGINE') : 0;
      const columns = source !== undefined ? [...tables.get(source)!] : columnNames(rest.slice(0, end));
      tables.set(table, columns);
      const clauses = rest.slice(end);
      if (/ENGINE = Distributed/.test(clauses)) continue;
      const keys = [...clauses.matchAll(/^(?:PARTITION BY|ORDER BY|PRIMARY KEY) (.+)$/gm)].flatMap((m) => identifiers(m[1]!));
      expect(clauses, statement).toMatch(/^ORDER BY /m);
      created.push({ table, statement, columns, keys });
    } else if (drop) {
      tables.delete(drop[1]!);
    } else if (alter) {
      const columns = tables.get(alter[1]!);
      expect(columns, statement).toBeDefined();
      if (alter[2] === 'ADD' && !columns!.includes(alter[3]!)) columns!.push(alter[3]!);
      if (alter[2] === 'DROP') tables.set(alter[1]!, columns!.filter((c) => c !== alter[3]));
    }
  }
  return created;
}

describe('journeys migrate --cluster on a fresh cluster (every shipped migration)', () => {
  /** A store with nothing in it: a dry run only reads system.tables and the database. */
  const emptyStore: Store = {
    description: 'fresh cluster',
    async query<Row>(sql: string): Promise<Row[]> {
      if (sql.includes('system.tables')) return [];
      if (sql.includes('currentDatabase() AS db')) return [{ db: 'journeys' } as Row];
      throw new Error(`unexpected query: ${sql}`);
    },
    async command(sql: string) {
      throw new Error(`a dry run ran: ${sql}`);
    },
    async queryText() {
      throw new Error('unexpected');
    },
    async insertCompactRows() {
      throw new Error('unexpected');
    },
    async close() {},
  };
  const migrated = async () => migrate(emptyStore, { dryRun: true, cluster: 'prod' });

  it('lists the full converted migration list without throwing', async () => {
    const results = await migrated();
    expect(results.map((r) => r.version)).toEqual(listSql('migrations').map((f) => f.replace(/\.sql$/, '')));
    expect(results.every((r) => r.applied)).toBe(true);
    const statements = results.flatMap((r) => r.sql);
    expect(statements.length).toBeGreaterThan(30);
    // DDL runs on every node; a backfill INSERT runs once, on the node that migrates (replication carries it).
    const backfills = statements.filter((s) => s.startsWith('INSERT INTO '));
    expect(backfills.map((s) => s.split('\n')[0])).toEqual(['INSERT INTO funnel_segment_hourly', 'INSERT INTO funnel_driver_hourly']);
    for (const statement of statements.filter((s) => !backfills.includes(s))) expect(statement).toContain(' ON CLUSTER prod');
  });

  it('every table, staging twins included, has its ORDER BY and PARTITION BY in columns it has where it is created', async () => {
    const created = replayClusterDdl((await migrated()).flatMap((r) => r.sql));
    const twins = created.filter((c) => c.table.endsWith('_staging'));
    // 002 and 006 each create the rollups' twins; 006 also the touchpoints', 009 the stage activity's, 010 the entry touchpoints', 011 the funnel per segment's, 012 the drivers'.
    expect(twins.map((t) => t.table).sort()).toEqual(
      ['abandonment_5m', 'abandonment_5m', 'entry_touchpoint_hourly', 'funnel_driver_hourly', 'funnel_hourly', 'funnel_hourly', 'funnel_segment_hourly', 'stage_activity_hourly', 'stage_transitions_hourly', 'stage_transitions_hourly', 'touchpoint_transitions_hourly'].map(
        (t) => `${t}_staging`,
      ),
    );
    for (const { statement, columns, keys } of created) {
      expect(keys.length, statement).toBeGreaterThan(0);
      for (const key of keys) expect(columns, `${key} in\n${statement}`).toContain(key);
    }
  });

  it('a staging twin has the keys of the rollup in force: 002\'s before 006 redefines it, 006\'s after', async () => {
    const results = await migrated();
    const twinOf = (version: string, table: string) => results.find((r) => r.version === version)!.sql.find((s) => s.startsWith(`CREATE TABLE IF NOT EXISTS ${table}_staging `));
    const orderBy = (version: string, table: string) =>
      parseCreateTable(splitStatements(readSql(`migrations/${version}.sql`)).find((s) => new RegExp(`^CREATE TABLE IF NOT EXISTS ${table}\\s*\\(`, 'm').test(stripComments(s)))!)!.orderBy;
    for (const table of ['funnel_hourly', 'abandonment_5m', 'stage_transitions_hourly']) {
      expect(twinOf('002_rollups', table)).toContain(`\nORDER BY ${orderBy('002_rollups', table)}`);
      expect(twinOf('006_journey_model', table)).toContain(`\nORDER BY ${orderBy('006_journey_model', table)}`);
      expect(orderBy('006_journey_model', table)).toContain('level');
      expect(twinOf('002_rollups', table)).not.toContain('level');
    }
    expect(twinOf('006_journey_model', 'touchpoint_transitions_hourly')).toBe(`CREATE TABLE IF NOT EXISTS touchpoint_transitions_hourly_staging ON CLUSTER prod AS touchpoint_transitions_hourly
ENGINE = MergeTree
PARTITION BY (pipeline, toYYYYMMDD(hour))
ORDER BY (pipeline, hour, from_touchpoint, to_touchpoint, channel, device)`);
  });

  it('006 and 007 drop their tables ON CLUSTER, SYNC, and create the journeys sharded and touchpoint steps on every node', async () => {
    const results = await migrated();
    const drops = (version: string) => results.find((r) => r.version === version)!.sql.filter((s) => s.startsWith('DROP'));
    expect(drops('006_journey_model')).toEqual(
      ['funnel_hourly', 'funnel_hourly_staging', 'abandonment_5m', 'abandonment_5m_staging', 'stage_transitions_hourly', 'stage_transitions_hourly_staging'].map(
        (t) => `DROP TABLE IF EXISTS ${t} ON CLUSTER prod SYNC`,
      ),
    );
    expect(drops('007_bottlenecks_level_mode')).toEqual(['DROP TABLE IF EXISTS bottlenecks ON CLUSTER prod SYNC']);
    // A sharded table's local tables go too.
    expect(toClusterStatements('DROP TABLE IF EXISTS journeys', ctx)).toEqual(['DROP TABLE IF EXISTS journeys ON CLUSTER prod SYNC', 'DROP TABLE IF EXISTS journeys_local ON CLUSTER prod SYNC']);
    const sql006 = results.find((r) => r.version === '006_journey_model')!.sql;
    const journeysLocal = sql006.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS journeys_local ON CLUSTER prod\n'));
    expect(journeysLocal).toContain("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/journeys_local', '{replica}', version, is_deleted)\nPARTITION BY toYYYYMM(start)\nORDER BY (pipeline, key, journey_id)");
    expect(sql006).toContain('CREATE TABLE IF NOT EXISTS journeys ON CLUSTER prod AS journeys_local\nENGINE = Distributed(prod, journeys, journeys_local, cityHash64(pipeline, key))');
    expect(sql006.find((s) => s.startsWith('CREATE TABLE IF NOT EXISTS touchpoint_transitions_hourly ON CLUSTER prod\n'))).toContain(
      "ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/touchpoint_transitions_hourly', '{replica}')",
    );
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
