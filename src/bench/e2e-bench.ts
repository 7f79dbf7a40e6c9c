import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore } from '../stores/embedded-store.js';
import { migrate } from '../stores/migrate.js';
import { ingestFiles } from '../pipeline/ingest-files.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';

/** File → core → embedded ClickHouse, rollups included: what `journeys ingest` does. */
export async function benchEndToEnd(pipeline: CompiledPipeline, input: string): Promise<{ events: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-bench-store-'));
  const store = await EmbeddedStore.open({ dir, database: 'bench' });
  try {
    await migrate(store);
    const started = process.hrtime.bigint();
    const summary = await ingestFiles(store, pipeline, [input]);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { events: summary.read, seconds };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
