import { ndjsonBatches } from '../sources/file-source.js';
import { Sessionizer } from '../sessions/sessionizer.js';
import { decodeRecords } from '../pipeline/decode-records.js';
import { sessionizeDecoded } from '../pipeline/sessionize-step.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { benchDecodeContext } from './bench-decode-context.js';

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmark with node --expose-gc (npm run bench does)');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap bytes per open session: sessions are fed real generated events and
 * never closed, so each one holds all its events — the honest worst case of
 * an open session, not an empty shell.
 */
export async function benchSessionMemory(pipeline: CompiledPipeline, input: string, maxEvents: number): Promise<{ openSessions: number; events: number; bytesPerSession: number }> {
  const sessionizer = new Sessionizer({ ...pipeline.split, allowedLatenessMs: Number.MAX_SAFE_INTEGER / 4 });
  const ctx = benchDecodeContext(pipeline);
  let events = 0;
  const before = settledHeap();
  for await (const batch of ndjsonBatches(input, 10_000)) {
    sessionizeDecoded(sessionizer, batch, decodeRecords(pipeline, batch, ctx), ctx.receivedAtMs);
    events += batch.length;
    if (events >= maxEvents) break;
  }
  const after = settledHeap();
  const openSessions = sessionizer.openSessionCount;
  return { openSessions, events, bytesPerSession: Math.round((after - before) / openSessions) };
}
