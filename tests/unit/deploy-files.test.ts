import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * docker-compose.yml and deploy/: images are not pulled here, so the files
 * are checked for what they must say. (The dashboard's SQL is run against the
 * real schema in tests/integration/sql-queries.test.ts.)
 */
const yamlFile = (path: string) => parse(readFileSync(path, 'utf8')) as unknown;

const compose = z.object({
  services: z.object({
    clickhouse: z.object({ image: z.string().regex(/^clickhouse\/clickhouse-server:\d+\.\d+/), volumes: z.array(z.string()), ports: z.array(z.string()) }),
    grafana: z.object({ image: z.string().regex(/^grafana\/grafana:/), volumes: z.array(z.string()), environment: z.record(z.string(), z.string()) }),
  }).passthrough(),
});

const users = z.object({
  profiles: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string(), z.record(z.string(), z.unknown())]))),
  users: z.record(
    z.string(),
    z.object({ password_sha256_hex: z.string().regex(/^[0-9a-f]{64}$/), profile: z.string(), networks: z.object({ ip: z.string() }) }).passthrough(),
  ),
});

const datasources = z.object({
  apiVersion: z.literal(1),
  datasources: z.array(
    z.object({
      uid: z.string(),
      type: z.literal('grafana-clickhouse-datasource'),
      jsonData: z.object({ host: z.string(), port: z.number(), protocol: z.enum(['http', 'native']), username: z.string(), defaultDatabase: z.string() }).passthrough(),
      secureJsonData: z.object({ password: z.string() }),
    }).passthrough(),
  ),
});

const dashboardProviders = z.object({
  apiVersion: z.literal(1),
  providers: z.array(z.object({ type: z.literal('file'), options: z.object({ path: z.string() }) }).passthrough()),
});

const target = z.object({ refId: z.string(), datasource: z.object({ type: z.string(), uid: z.string() }), editorType: z.literal('sql'), rawSql: z.string().min(10), queryType: z.enum(['table', 'timeseries']), format: z.number() });
const dashboard = z.object({
  uid: z.string(),
  title: z.literal('Journeys'),
  templating: z.object({
    list: z.array(
      z.union([
        z.object({ name: z.string(), type: z.literal('query'), query: z.string(), datasource: z.object({ uid: z.string() }) }).passthrough(),
        // Level and mode of the funnel panels: a fixed list of values, no query.
        z.object({ name: z.string(), type: z.literal('custom'), query: z.string() }).passthrough(),
        // The database: typed in, journeys by default (tests/unit/deploy-grafana.test.ts checks its use).
        z.object({ name: z.literal('database'), type: z.literal('textbox'), query: z.string() }).passthrough(),
      ]),
    ),
  }),
  panels: z.array(z.object({ id: z.number(), type: z.string(), title: z.string(), datasource: z.object({ uid: z.string() }), targets: z.array(target).min(1) }).passthrough()),
});

describe('docker compose and deploy/ files', () => {
  it('compose runs ClickHouse with the users and cluster files, and Grafana with its provisioning', () => {
    const file = compose.parse(yamlFile('docker-compose.yml'));
    const mounted = [...file.services.clickhouse.volumes, ...file.services.grafana.volumes].map((v) => v.split(':')[0]!);
    for (const source of mounted.filter((s) => s.startsWith('./'))) expect(() => readdirSync(source.replace(/\/[^/]+\.\w+$/, '')), source).not.toThrow();
    expect(mounted).toEqual(expect.arrayContaining(['./deploy/clickhouse/users.d/journeys-users.yaml', './deploy/grafana/provisioning', './deploy/grafana/dashboards']));
    expect(file.services.grafana.environment['GF_INSTALL_PLUGINS']).toContain('grafana-clickhouse-datasource');
    expect(readFileSync('docker-compose.yml', 'utf8')).toMatch(/Kafka/); // the place kept for the Kafka issue
  });

  it('a writer user and a read-only analyst user', () => {
    const file = users.parse(yamlFile('deploy/clickhouse/users.d/journeys-users.yaml'));
    const analyst = file.users['analyst']!;
    const writer = file.users['journeys']!;
    // readonly = 1: never writes or alters, and changes only the settings its constraints allow.
    expect(file.profiles[analyst.profile]).toMatchObject({ readonly: 1 });
    expect(file.profiles[writer.profile]?.['readonly']).toBeUndefined();
    // The documented local passwords are the user names.
    expect(analyst.password_sha256_hex).toBe(createHash('sha256').update('analyst').digest('hex'));
    expect(writer.password_sha256_hex).toBe(createHash('sha256').update('journeys').digest('hex'));
  });

  it('the one-node cluster config names the cluster, macros and Keeper', () => {
    const file = yamlFile('deploy/clickhouse/config.d/journeys-cluster.yaml') as Record<string, Record<string, unknown>>;
    expect(Object.keys(file['remote_servers']!)).toEqual(['journeys']);
    expect(file['macros']).toMatchObject({ shard: expect.any(String), replica: expect.any(String) });
    expect(file['zookeeper']).toBeDefined();
    expect(file['keeper_server']).toBeDefined();
  });

  it('Grafana: the data source as the analyst, and a Journeys dashboard whose panels all use it', () => {
    const sources = datasources.parse(yamlFile('deploy/grafana/provisioning/datasources/clickhouse.yaml')).datasources;
    expect(sources[0]!.jsonData).toMatchObject({ host: 'clickhouse', port: 8123, username: 'analyst', defaultDatabase: 'journeys' });
    const providers = dashboardProviders.parse(yamlFile('deploy/grafana/provisioning/dashboards/journeys.yaml')).providers;
    expect(providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
    const board = dashboard.parse(JSON.parse(readFileSync(join('deploy/grafana/dashboards', 'journeys.json'), 'utf8')));
    const uid = sources[0]!.uid;
    for (const panel of board.panels) {
      expect(panel.datasource.uid, panel.title).toBe(uid);
      for (const t of panel.targets) expect(t.datasource.uid, panel.title).toBe(uid);
    }
    const sql = board.panels.flatMap((p) => p.targets.map((t) => t.rawSql)).join('\n');
    // The three views the issue asks for.
    expect(sql).toMatch(/funnel_hourly/);
    expect(sql).toMatch(/abandonment_5m/);
    expect(sql).toMatch(/dead_letters/);
    expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
  });
});
