import { parseArgs } from 'node:util';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline } from '../pipeline/compiled-pipeline.js';
import { benchInput } from './bench-input.js';
import { benchCore } from './core-bench.js';
import { benchEndToEnd } from './e2e-bench.js';
import { benchEventsInsertAlone } from './events-insert-floor.js';
import { benchParseOnly } from './parse-only-bench.js';
import { benchSessionMemory } from './session-memory-bench.js';

/**
 * `npm run bench [-- --json] [-- --events N]`: throughput of the pure core and
 * of file → embedded ClickHouse, and heap per open session, on generated
 * e-commerce traffic. Figures, not assertions: the unit tests time nothing.
 */
/** a / b to three decimals: every figure of issue 14 is a ratio measured in one run. */
const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'boolean' }, events: { type: 'string' } } });
  const lines = Number(values.events ?? 1_000_000);
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`);
  const input = await benchInput(lines, log);
  const pipelinesDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));
  const pipeline = compilePipeline(loadDefinition('ecommerce', { pipelinesDir }).definition);

  const parse = await benchParseOnly(input);
  const parseRate = Math.round(parse.events / parse.seconds);
  log(`JSON.parse only (the floor): ${parse.events.toLocaleString('en-US')} lines in ${parse.seconds.toFixed(2)}s = ${parseRate.toLocaleString('en-US')} lines/s`);

  const core = await benchCore(pipeline, input);
  const coreRate = Math.round(core.events / core.seconds);
  const coreToParse = ratio(coreRate, parseRate);
  log(`core (parse + validate + classify + sessionize): ${core.events.toLocaleString('en-US')} events in ${core.seconds.toFixed(2)}s = ${coreRate.toLocaleString('en-US')} events/s (${coreToParse} × JSON.parse only)`);

  const e2e = await benchEndToEnd(pipeline, input);
  const e2eRate = Math.round(e2e.events / e2e.seconds);
  const e2eToCore = ratio(e2eRate, coreRate);
  const faultsPerEvent = Math.round((e2e.minorFaults / e2e.events) * 1000) / 1000;
  const systemShare = ratio(e2e.systemSeconds, e2e.userSeconds + e2e.systemSeconds);
  log(
    `end to end (file → embedded ClickHouse, rollups): ${e2e.events.toLocaleString('en-US')} events in ${e2e.seconds.toFixed(2)}s = ${e2eRate.toLocaleString('en-US')} events/s ` +
      `(${e2eToCore} × core); ${faultsPerEvent} minor page faults per event, system ${(systemShare * 100).toFixed(0)}% of ${(e2e.userSeconds + e2e.systemSeconds).toFixed(1)} CPU s`,
  );

  const floor = await benchEventsInsertAlone(pipeline, input);
  const floorRate = Math.round(floor.rows / floor.seconds);
  const floorToCore = ratio(floorRate, coreRate);
  // CPU per row of the insert against the core's (wall = CPU: one thread) per event.
  const floorCpuToCore = ratio(floor.cpuSeconds / floor.rows, core.seconds / core.events);
  log(
    `the events insert alone (chDB, the same rows, nothing else written): ${floor.rows.toLocaleString('en-US')} rows in ${floor.seconds.toFixed(2)}s = ${floorRate.toLocaleString('en-US')} rows/s ` +
      `(${floorToCore} × core: on one chDB connection, which runs a statement at a time, end to end cannot pass this ratio however well the JS and chDB work overlap); ` +
      `${((floor.cpuSeconds / floor.rows) * 1e6).toFixed(1)} CPU µs per row on all threads, ${floorCpuToCore} × the core's per event`,
  );

  const memory = await benchSessionMemory(pipeline, input, lines);
  log(`heap per open session: ${memory.bytesPerSession} bytes (${memory.openSessions.toLocaleString('en-US')} open sessions holding ${memory.events.toLocaleString('en-US')} events)`);

  if (values.json) {
    console.log(
      JSON.stringify({
        core_events_per_s: coreRate,
        end_to_end_events_per_s: e2eRate,
        heap_bytes_per_open_session: memory.bytesPerSession,
        parse_only_events_per_s: parseRate,
        core_to_parse_only_ratio: coreToParse,
        end_to_end_to_core_ratio: e2eToCore,
        minor_faults_per_event: faultsPerEvent,
        system_cpu_share: systemShare,
        events_insert_rows_per_s: floorRate,
        events_insert_to_core_ratio: floorToCore,
        events_insert_cpu_to_core_ratio: floorCpuToCore,
      }),
    );
  }
}

// `npm run bench -- queries [--json]`: the analysts' query latencies (src/bench/queries-bench.ts).
// `npm run bench -- kafka [--json]`: consuming from the local broker (src/bench/kafka-bench.ts).
// `npm run bench -- collect [--events N] [--concurrency C] [--batch B] [--json]`: the HTTP collector under load vs journeys ingest (src/bench/collector-bench.ts).
// `npm run bench -- steady [--weeks N] [--json]`: one processor's heap over weeks of traffic (src/bench/steady-bench.ts).
// `npm run bench -- burst [--visitors N] [--json]`: memory of a burst of one-event visitors (src/bench/burst-bench.ts).
// `npm run bench -- identity [--identifiers N] [--links M] [--stitching-only] [--profile] [--json]`: identity stitching and person journeys (src/bench/identity-bench.ts).
if (process.argv[2] === 'queries') await (await import('./queries-bench.js')).runQueriesBench(process.argv.slice(3));
else if (process.argv[2] === 'steady') await (await import('./steady-bench.js')).runSteadyBench(process.argv.slice(3));
else if (process.argv[2] === 'burst') await (await import('./burst-bench.js')).runBurstBench(process.argv.slice(3));
else if (process.argv[2] === 'identity') await (await import('./identity-bench.js')).runIdentityBench(process.argv.slice(3));
else if (process.argv[2] === 'kafka') await (await import('./kafka-bench.js')).runKafkaBench(process.argv.slice(3));
else if (process.argv[2] === 'collect') await (await import('./collector-bench.js')).runCollectorBench(process.argv.slice(3));
else await main();
