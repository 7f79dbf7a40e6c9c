import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline } from '../pipeline/compiled-pipeline.js';
import { benchInput } from './bench-input.js';
import { benchCore } from './core-bench.js';
import { benchEndToEnd } from './e2e-bench.js';
import { benchSessionMemory } from './session-memory-bench.js';

/**
 * `npm run bench [-- --json] [-- --events N]`: throughput of the pure core and
 * of file → embedded ClickHouse, and heap per open session, on generated
 * e-commerce traffic. Figures, not assertions: the unit tests time nothing.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, events: { type: 'string' } } });
  const lines = Number(values.events ?? 1_000_000);
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const input = await benchInput(lines, log);
  const pipelinesDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));
  const pipeline = compilePipeline(loadDefinition('ecommerce', { pipelinesDir }).definition);

  const core = await benchCore(pipeline, input);
  const coreRate = Math.round(core.events / core.seconds);
  log(`core (parse + validate + classify + sessionize): ${core.events.toLocaleString('en-US')} events in ${core.seconds.toFixed(2)}s = ${coreRate.toLocaleString('en-US')} events/s`);

  const e2e = await benchEndToEnd(pipeline, input);
  const e2eRate = Math.round(e2e.events / e2e.seconds);
  log(`end to end (file → embedded ClickHouse, rollups): ${e2e.events.toLocaleString('en-US')} events in ${e2e.seconds.toFixed(2)}s = ${e2eRate.toLocaleString('en-US')} events/s`);

  const memory = await benchSessionMemory(pipeline, input, lines);
  log(`heap per open session: ${memory.bytesPerSession} bytes (${memory.openSessions.toLocaleString('en-US')} open sessions holding ${memory.events.toLocaleString('en-US')} events)`);

  if (values.json) {
    console.log(JSON.stringify({ core_events_per_s: coreRate, end_to_end_events_per_s: e2eRate, heap_bytes_per_open_session: memory.bytesPerSession }));
  }
}

// `npm run bench -- queries [--json]`: the analysts' query latencies (src/bench/queries-bench.ts).
// `npm run bench -- kafka [--json]`: consuming from the local broker (src/bench/kafka-bench.ts).
// `npm run bench -- steady [--weeks N] [--json]`: one processor's heap over weeks of traffic (src/bench/steady-bench.ts).
// `npm run bench -- burst [--visitors N] [--json]`: memory of a burst of one-event visitors (src/bench/burst-bench.ts).
// `npm run bench -- identity [--identifiers N] [--links M] [--stitching-only] [--profile] [--json]`: identity stitching and person journeys (src/bench/identity-bench.ts).
if (process.argv[2] === 'queries') await (await import('./queries-bench.js')).runQueriesBench(process.argv.slice(3));
else if (process.argv[2] === 'steady') await (await import('./steady-bench.js')).runSteadyBench(process.argv.slice(3));
else if (process.argv[2] === 'burst') await (await import('./burst-bench.js')).runBurstBench(process.argv.slice(3));
else if (process.argv[2] === 'identity') await (await import('./identity-bench.js')).runIdentityBench(process.argv.slice(3));
else if (process.argv[2] === 'kafka') await (await import('./kafka-bench.js')).runKafkaBench(process.argv.slice(3));
else await main();
