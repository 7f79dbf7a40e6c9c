import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { post, startCollector, type RunningCollector } from '../helpers/collector.js';
import { journeys } from '../helpers/run-cli.js';
import { createTopics, kafkaBrokers, randomName, withAdmin } from '../helpers/kafka.js';
import { readKeyedMessages, sqlRows } from '../helpers/collector-replay.js';
import { page, track } from '../helpers/segment.js';

const WRITE_KEY = 'k';
const WORKERS = 8;
const BATCH_SIZE = 20;
/** The load is bounded: at most this many events are sent… */
const MAX_EVENTS = 3_000;
/** …and the collector is killed once this many requests were acknowledged (about a third of them). */
const KILL_AFTER_ACKED_REQUESTS = 50;
const VISITORS = 40;

/** Events of a few visitors a few ms apart, all in one session each (ids unique to the test run). */
function messages(run: string, firstMs: number, from: number, count: number): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const options = { id: `${run}-${n}`, anonymousId: `${run}-v${n % VISITORS}`, at: firstMs + n * 10 };
    return JSON.parse(n % 3 === 0 ? page('/', options) : track(n % 3 === 1 ? 'Product Viewed' : 'Product Added', options)) as Record<string, unknown>;
  });
}

interface LoadOutcome {
  /** messageIds of the requests answered 200. */
  acknowledged: Set<string>;
  sent: number;
  /** Requests sent and not answered when the kill came. */
  inFlightAtKill: number;
  /** Statuses other than 200 answered before the kill. */
  refused: number[];
}

/**
 * WORKERS concurrent clients post /v1/batch requests of BATCH_SIZE events
 * until MAX_EVENTS are sent; the moment the KILL_AFTER_ACKED_REQUESTS-th
 * answer 200 comes, the collector gets SIGKILL while the other clients'
 * requests are in flight (they fail with a reset connection).
 */
async function loadAndKill(collector: RunningCollector, run: string, firstMs: number): Promise<LoadOutcome> {
  const outcome: LoadOutcome = { acknowledged: new Set(), sent: 0, inFlightAtKill: -1, refused: [] };
  let ackedRequests = 0;
  let inFlight = 0;
  let killed: Promise<void> | undefined;
  const worker = async () => {
    while (outcome.sent < MAX_EVENTS && !killed) {
      const batch = messages(run, firstMs, outcome.sent, BATCH_SIZE);
      outcome.sent += BATCH_SIZE;
      inFlight++;
      try {
        const answer = await post(`${collector.url}/v1/batch`, { batch }, { writeKey: WRITE_KEY });
        if (answer.status !== 200) {
          if (!killed) outcome.refused.push(answer.status);
          continue;
        }
        for (const message of batch) outcome.acknowledged.add(message['messageId'] as string);
        if (++ackedRequests === KILL_AFTER_ACKED_REQUESTS) {
          outcome.inFlightAtKill = inFlight - 1;
          killed = collector.kill();
        }
      } catch {
        // The connection died with the collector: not acknowledged.
        if (!killed) throw new Error(`a request failed before the kill; stderr:\n${collector.stderr()}`);
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  expect(killed, `the load ended before ${KILL_AFTER_ACKED_REQUESTS} requests were acknowledged`).toBeDefined();
  await killed;
  return outcome;
}

function expectKilledUnderLoad(outcome: LoadOutcome): void {
  expect(outcome.refused).toEqual([]);
  // Answers already on their way when the kill came may still arrive: more, never fewer.
  expect(outcome.acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKED_REQUESTS * BATCH_SIZE);
  expect(outcome.inFlightAtKill).toBeGreaterThan(0);
  expect(outcome.sent).toBeLessThanOrEqual(MAX_EVENTS);
}

const missing = (acknowledged: Set<string>, present: Set<string>) => [...acknowledged].filter((id) => !present.has(id));

describe('kill -9 of journeys collect under load loses no acknowledged event', () => {
  it('--store embedded: every 200 is in events after a restart on the same store; sessions hold every event', async () => {
    const store = `embedded:${mkdtempSync(join(tmpdir(), 'journeys-collect-kill-'))}`;
    const args = ['--store', store, '--pipeline', 'ecommerce', '--write-key', WRITE_KEY];
    const run = randomName('kill');
    const firstMs = Date.now() - 10 * 60_000;
    const outcome = await loadAndKill(await startCollector(args), run, firstMs);
    expectKilledUnderLoad(outcome);

    // The lock names the killed process: a dead holder's lock is taken over.
    const restarted = await startCollector(args);
    // The same visitors again, later: their sessions are restored from the checkpoint and continued.
    const more = messages(run, firstMs, MAX_EVENTS, VISITORS);
    expect((await post(`${restarted.url}/v1/batch`, { batch: more }, { writeKey: WRITE_KEY })).status).toBe(200);
    expect(await restarted.stop(), restarted.stderr()).toBe(0);

    const ids = new Set(sqlRows<{ event_id: string }>(store, "SELECT event_id FROM events FINAL WHERE pipeline = 'ecommerce'").map((r) => r.event_id));
    expect(missing(outcome.acknowledged, ids)).toEqual([]);
    expect(missing(new Set(more.map((m) => m['messageId'] as string)), ids)).toEqual([]);
    // Nothing but what was sent: at most the requests in flight came in unacknowledged.
    expect(ids.size).toBeLessThanOrEqual((KILL_AFTER_ACKED_REQUESTS + outcome.inFlightAtKill) * BATCH_SIZE + more.length);

    const [row] = sqlRows<Record<string, string | number>>(
      store,
      `SELECT (SELECT count() FROM events FINAL) AS events, (SELECT uniqExact(event_id) FROM events) AS ids,
              (SELECT uniqExact(key) FROM events FINAL) AS visitors,
              (SELECT count() FROM sessions FINAL WHERE is_deleted = 0) AS sessions,
              (SELECT sum(event_count) FROM sessions FINAL WHERE is_deleted = 0) AS events_in_sessions,
              (SELECT count() FROM dead_letters FINAL) AS dead`,
    );
    const counts = Object.fromEntries(Object.entries(row!).map(([name, value]) => [name, Number(value)]));
    expect(counts).toEqual({ events: ids.size, ids: ids.size, visitors: VISITORS, sessions: VISITORS, events_in_sessions: ids.size, dead: 0 });
    const funnel = journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json']);
    expect(funnel.status, funnel.stderr).toBe(0);
    // Every session began with a page view and went on to a product and the cart.
    const stages = JSON.parse(funnel.stdout).stages as Array<{ stage: string; entered: number }>;
    expect(stages.slice(0, 4).map((s) => [s.stage, s.entered])).toEqual([
      ['awareness', VISITORS],
      ['interest', VISITORS],
      ['consideration', VISITORS],
      ['cart', VISITORS],
    ]);
  }, 110_000);

  it('--brokers: every 200 is in the topic', async () => {
    const topic = randomName('collected-kill');
    await createTopics([topic]);
    const run = randomName('kill');
    const collector = await startCollector(['--brokers', await kafkaBrokers(), '--topic', topic, '--pipeline', 'ecommerce', '--write-key', WRITE_KEY]);
    const outcome = await loadAndKill(collector, run, Date.now() - 10 * 60_000);
    expectKilledUnderLoad(outcome);

    const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
    const stored = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    expect(stored).toBeGreaterThanOrEqual(outcome.acknowledged.size);
    expect(stored).toBeLessThanOrEqual(outcome.sent);
    const inTopic = await readKeyedMessages(topic, stored);
    expect(inTopic).toHaveLength(stored);
    const ids = new Set(inTopic.map((m) => (JSON.parse(m.value) as { messageId: string }).messageId));
    expect(missing(outcome.acknowledged, ids)).toEqual([]);
  }, 60_000);
});
