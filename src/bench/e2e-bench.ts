import { ingestFiles } from '../pipeline/ingest-files.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { withBenchStore } from './bench-store.js';

export interface EndToEndResult {
  events: number;
  seconds: number;
  /** Minor page faults of the whole process (chDB runs in it) during the run. */
  minorFaults: number;
  /** User and system CPU seconds of the process during the run (every thread). */
  userSeconds: number;
  systemSeconds: number;
}

/** File → core → embedded ClickHouse, rollups included: what `journeys ingest` does. */
export function benchEndToEnd(pipeline: CompiledPipeline, input: string): Promise<EndToEndResult> {
  return withBenchStore('store', async (store) => {
    const before = process.resourceUsage();
    const started = process.hrtime.bigint();
    const summary = await ingestFiles(store, pipeline, [input]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = process.resourceUsage();
    return {
      events: summary.read,
      seconds,
      minorFaults: after.minorPageFault - before.minorPageFault,
      userSeconds: (after.userCPUTime - before.userCPUTime) / 1e6,
      systemSeconds: (after.systemCPUTime - before.systemCPUTime) / 1e6,
    };
  });
}
