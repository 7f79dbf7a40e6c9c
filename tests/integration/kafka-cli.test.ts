import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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

describe('Kafka ingestion through the CLI (real broker)', () => {
  let brokers: string;
  let input: string;
  let referenceStore: string;
  let referenceFunnel: string;
  let referenceFurthest: string;

  beforeAll(async () => {
    brokers = await kafkaBrokers();
    input = join(mkdtempSync(join(tmpdir(), 'journeys-kafka-input-')), 'events.ndjson');
    expect(journeys(['generate', '--days', '2', '--visitors-per-day', '1500', '--seed', '11', '--output', input]).status).toBe(0);
    referenceStore = tmp('journeys-ref-');
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', input, '--store', referenceStore]).status).toBe(0);
    referenceFunnel = journeys(['funnel', '--pipeline', 'ecommerce', '--store', referenceStore, '--json']).stdout;
    referenceFurthest = journeys(['funnel', '--pipeline', 'ecommerce', '--store', referenceStore, '--json', '--mode', 'furthest']).stdout;
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
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json', '--mode', 'furthest']).stdout).toBe(referenceFurthest);
    expect(counts(store)).toBe(counts(referenceStore));
  }, 120_000);

  it('kill -9 of the consumer at several points, then a restart: every event counted exactly once', async () => {
    const topic = randomName('site-events');
    await createTopics([topic]);
    expect(journeys(['produce', '--topic', topic, '--brokers', brokers, '--input', input, '--pipeline', 'ecommerce']).status).toBe(0);
    const store = tmp('journeys-kill-');
    const group = randomName('g');
    const args = ['--pipeline', 'ecommerce', '--brokers', brokers, '--topics', topic, '--group', group, '--store', store, '--checkpoint-every', '300ms', '--session-timeout', '6s'];
    for (const lifeMs of [2_500, 3_200, 4_000]) {
      const child = startRun(args);
      await sleep(lifeMs);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const finish = journeys(['run', ...args, '--until-caught-up']);
    expect(finish.status, finish.stderr).toBe(0);
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json']).stdout).toBe(referenceFunnel);
    expect(counts(store)).toBe(counts(referenceStore));
  }, 240_000);
});
