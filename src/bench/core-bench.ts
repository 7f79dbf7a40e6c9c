import { batches, readNdjson } from '../sources/file-source.js';
import { Sessionizer } from '../sessions/sessionizer.js';
import { buildSessionRecord } from '../sessions/session-record.js';
import { DEFAULT_LIMITS } from '../events/limits.js';
import { runCoreStep } from '../pipeline/core-step.js';
import type { CompiledPipeline, RawRecord } from '../pipeline/compiled-pipeline.js';

/**
 * The pure core: decode + validate (zod), classify, sessionize, build session
 * records. File reading is outside the timed part; everything else is in.
 */
export async function benchCore(pipeline: CompiledPipeline, input: string): Promise<{ events: number; seconds: number; sessions: number }> {
  // Batches are read up front so only the core is timed.
  const loaded: RawRecord[][] = [];
  for await (const batch of batches(readNdjson(input), 20_000)) loaded.push(batch);
  const sessionizer = new Sessionizer(pipeline.split);
  const ctx = { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: undefined, receivedAtMs: Date.parse('2026-12-01T00:00:00Z') };
  let events = 0;
  let sessions = 0;
  const started = process.hrtime.bigint();
  for (const batch of loaded) {
    runCoreStep(pipeline, sessionizer, batch, ctx);
    const context = pipeline.recordContext(sessionizer.watermarkMs);
    for (const closed of sessionizer.advance()) {
      buildSessionRecord(closed, context);
      sessions++;
    }
    events += batch.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, seconds, sessions };
}
