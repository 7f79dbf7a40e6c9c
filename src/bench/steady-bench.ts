import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline, type RawRecord } from '../pipeline/compiled-pipeline.js';
import { JourneyProcessor, RECORDS_PER_CHUNK } from '../pipeline/processor.js';
import { generateEvents } from '../sources/generator/index.js';
import { withBenchStore } from './bench-store.js';

const DAY_MS = 86_400_000;
const START = '2026-11-02T00:00:00Z';

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

interface Sample {
  day: number;
  events: number;
  openSessions: number;
  heapMiB: number;
}

/**
 * `npm run bench -- steady [--weeks N] [--json]`: one processor (what one
 * Kafka partition of `journeys run` holds, for months) fed N weeks of
 * generated traffic into the embedded store. The heap is sampled at noon of
 * the same weekday each week, so the open sessions are alike: a processor
 * whose memory is bounded by open work shows the same heap in week 1 and
 * week N.
 */
export async function runSteadyBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, weeks: { type: 'string' }, 'visitors-per-day': { type: 'string' } } });
  const weeks = Number(values.weeks ?? 5);
  const visitorsPerDay = Number(values['visitors-per-day'] ?? 20_000);
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  const pipelinesDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));
  const pipeline = compilePipeline(loadDefinition('ecommerce', { pipelinesDir }).definition);
  const samples: Sample[] = [];
  await withBenchStore('steady', async (store) => {
    const processor = await JourneyProcessor.start({ pipeline, store, stream: 'kafka/0' });
    const startMs = Date.parse(START);
    let nextSampleMs = startMs + 6 * DAY_MS + DAY_MS / 2;
    let events = 0;
    let batch: RawRecord[] = [];
    for (const generated of generateEvents({ scenario: 'ecommerce', seed: 11, start: START, days: weeks * 7, visitorsPerDay })) {
      batch.push({ raw: generated.line, origin: { kind: 'file', file: 'steady', line: ++events } });
      if (batch.length < RECORDS_PER_CHUNK) continue;
      await processor.process(batch);
      batch = [];
      if (processor.watermarkMs >= nextSampleMs) {
        await processor.checkpoint({ provisionalSessions: false });
        const sample = { day: Math.round((nextSampleMs - startMs) / DAY_MS - 0.5) + 1, events, openSessions: processor.openSessions, heapMiB: Math.round(settledHeap() / 2 ** 20) };
        samples.push(sample);
        log(`day ${sample.day}: ${events.toLocaleString('en-US')} events, ${sample.openSessions.toLocaleString('en-US')} open sessions, heap ${sample.heapMiB} MiB`);
        nextSampleMs += 7 * DAY_MS;
      }
    }
    await processor.process(batch);
    await processor.flush();
  });
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first && last) log(`heap in week ${samples.length} / week 1: ${(last.heapMiB / first.heapMiB).toFixed(2)} (open sessions ${(last.openSessions / first.openSessions).toFixed(2)})`);
  if (values.json) console.log(JSON.stringify({ samples }));
}
