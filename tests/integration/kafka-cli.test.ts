import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTopics, kafkaBrokers, randomName } from '../helpers/kafka.js';

/** The real CLI, as a user or an orchestrator runs it (compiled by the global setup). */
function journeys(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/journeys.js', ...args], { encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function startRun(args: string[]): ChildProcess {
  return spawn(process.execPath, ['bin/journeys.js', 'run', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tmp = (prefix: string) => `embedded:${mkdtempSync(join(tmpdir(), prefix))}`;

/** The counts that prove "exactly once": every valid event once, no session twice. */
function counts(store: string): string {
  return journeys([
    'sql',
    "SELECT (SELECT count() FROM events FINAL) AS events, (SELECT uniqExact(event_id) FROM events) AS ids, (SELECT count() FROM sessions FINAL WHERE is_deleted = 0) AS sessions, (SELECT sum(event_count) FROM sessions FINAL WHERE is_deleted = 0) AS events_in_sessions, (SELECT count() FROM dead_letters FINAL) AS dead",
    '--store',
    store,
    '--format',
    'json',
  ]).stdout;
}

/** Runs the consumer three times, each killed -9 after a while, then once to the end (which must succeed). */
async function killThenFinish(args: string[]): Promise<void> {
  for (const lifeMs of [2_500, 3_200, 4_000]) {
    const child = startRun(args);
    await sleep(lifeMs);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const finish = journeys(['run', ...args, '--until-caught-up']);
  expect(finish.status, finish.stderr).toBe(0);
}

describe('Kafka ingestion through the CLI (real broker)', () => {
  let brokers: string;
  let input: string;
  let referenceStore: string;
  let referenceFunnel: string;
  let referenceOrdered: string;

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    input = join(mkdtempSync(join(tmpdir(), 'journeys-kafka-input-')), 'events.ndjson');
    expect(journeys(['generate', '--days', '2', '--visitors-per-day', '1500', '--seed', '11', '--output', input]).status).toBe(0);
    referenceStore = tmp('journeys-ref-');
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', input, '--store', referenceStore]).status).toBe(0);
    referenceFunnel = journeys(['funnel', '--pipeline', 'ecommerce', '--store', referenceStore, '--json']).stdout;
    referenceOrdered = journeys(['funnel', '--pipeline', 'ecommerce', '--store', referenceStore, '--json', '--mode', 'ordered']).stdout;
  });

  it('produce → run --until-caught-up gives the same funnel --json as file ingest', async () => {
    const topic = randomName('site-events');
    await createTopics([topic]);
    const produced = journeys(['produce', '--topic', topic, '--brokers', brokers, '--input', input, '--pipeline', 'ecommerce']);
    expect(produced.status, produced.stderr).toBe(0);
    const store = tmp('journeys-kafka-');
    const run = journeys(['run', '--pipeline', 'ecommerce', '--brokers', brokers, '--topics', topic, '--group', randomName('g'), '--store', store, '--until-caught-up']);
    expect(run.status, run.stderr).toBe(0);
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json']).stdout).toBe(referenceFunnel);
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json', '--mode', 'ordered']).stdout).toBe(referenceOrdered);
    expect(counts(store)).toBe(counts(referenceStore));
  }, 120_000);

  it('a CSV file (REES46) through produce → run gives the funnel --json and the dead letters of a file ingest', async () => {
    const fixture = 'tests/fixtures/rees46-sample.csv';
    const fileStore = tmp('journeys-csv-ref-');
    expect(journeys(['ingest', '--pipeline', 'rees46', '--input', fixture, '--store', fileStore]).status).toBe(0);
    const topic = randomName('rees46');
    await createTopics([topic]);
    const produced = journeys(['produce', '--topic', topic, '--brokers', brokers, '--input', fixture, '--pipeline', 'rees46']);
    expect(produced.status, produced.stderr).toBe(0);
    const store = tmp('journeys-csv-kafka-');
    const run = journeys(['run', '--pipeline', 'rees46', '--brokers', brokers, '--topics', topic, '--group', randomName('g'), '--store', store, '--until-caught-up']);
    expect(run.status, run.stderr).toBe(0);
    for (const mode of ['reached', 'ordered', 'strict', 'any']) {
      const funnel = (at: string) => journeys(['funnel', '--pipeline', 'rees46', '--store', at, '--json', '--mode', mode]).stdout;
      expect(funnel(store)).toBe(funnel(fileStore));
    }
    expect(counts(store)).toBe(counts(fileStore));
    const reasons = (at: string) => journeys(['sql', 'SELECT step, reason FROM dead_letters FINAL ORDER BY step, reason', '--store', at, '--format', 'json']).stdout;
    expect(reasons(store)).toBe(reasons(fileStore));
    expect(JSON.parse(reasons(store))).toHaveLength(4);
  }, 120_000);

  it('kill -9 of the consumer at several points, then a restart: every event counted exactly once', async () => {
    const topic = randomName('site-events');
    await createTopics([topic]);
    expect(journeys(['produce', '--topic', topic, '--brokers', brokers, '--input', input, '--pipeline', 'ecommerce']).status).toBe(0);
    const store = tmp('journeys-kill-');
    const group = randomName('g');
    const args = ['--pipeline', 'ecommerce', '--brokers', brokers, '--topics', topic, '--group', group, '--store', store, '--checkpoint-every', '300ms', '--session-timeout', '6s'];
    await killThenFinish(args);
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json']).stdout).toBe(referenceFunnel);
    expect(counts(store)).toBe(counts(referenceStore));
  }, 240_000);
});

describe('Kafka crash recovery of a CSV topic and a topic of nothing but invalid records (real broker)', () => {
  it('kill -9 at several points, then a restart: the funnel and counts of a file ingest of both files', async () => {
    const brokers = await kafkaBrokers();
    const dir = mkdtempSync(join(tmpdir(), 'journeys-kafka-csv-'));
    const rows = join(dir, 'rees46.csv');
    expect(journeys(['generate', '--scenario', 'rees46', '--days', '2', '--visitors-per-day', '1500', '--seed', '12', '--output', rows]).status).toBe(0);
    // Every fetch of this topic is a batch of invalid rows only: ~30,000 letters, megabytes of them per partition.
    const flood = join(dir, 'flood.csv');
    const header = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';
    const bad = Array.from({ length: 30_000 }, (_, i) => (i % 2 === 0 ? `2026-11-02 00:00:00 UTC,view,${i}` : `2026-11-02 00:00:00 UTC,view,${i},1,,b,12.5O,${i},s`));
    writeFileSync(flood, [header, ...bad].join('\n') + '\n');
    const referenceStore = tmp('journeys-csv-ref-');
    expect(journeys(['ingest', '--pipeline', 'rees46', '--input', rows, '--input', flood, '--store', referenceStore]).status).toBe(0);
    const [rowsTopic, floodTopic] = [randomName('rees46'), randomName('rees46-flood')];
    await createTopics([rowsTopic, floodTopic]);
    expect(journeys(['produce', '--topic', rowsTopic, '--brokers', brokers, '--input', rows, '--pipeline', 'rees46']).status).toBe(0);
    expect(journeys(['produce', '--topic', floodTopic, '--brokers', brokers, '--input', flood, '--pipeline', 'rees46']).status).toBe(0);
    const store = tmp('journeys-csv-kill-');
    const args = ['--pipeline', 'rees46', '--brokers', brokers, '--topics', `${rowsTopic},${floodTopic}`, '--group', randomName('g'), '--store', store, '--checkpoint-every', '300ms', '--session-timeout', '6s'];
    await killThenFinish(args);
    const funnel = (at: string) => journeys(['funnel', '--pipeline', 'rees46', '--store', at, '--json']).stdout;
    expect(funnel(store)).toBe(funnel(referenceStore));
    expect(counts(store)).toBe(counts(referenceStore));
    expect(JSON.parse(counts(store))[0].dead).toBeGreaterThanOrEqual(30_000);
  }, 300_000);
});
