import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore } from '../stores/embedded-store.js';
import { migrate } from '../stores/migrate.js';
import { ingestFiles } from '../pipeline/ingest-files.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';

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
export async function benchEndToEnd(pipeline: CompiledPipeline, input: string): Promise<EndToEndResult> {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-store-'));
  const store = await EmbeddedStore.open({ dir, database: 'bench' });
  try {
    await migrate(store);
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
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
