import { ndjsonBatches } from '../sources/file-source.js';
import { Sessionizer } from '../sessions/sessionizer.js';
import { buildSessionRecord } from '../sessions/session-record.js';
import { decodeRecords } from '../pipeline/decode-records.js';
import { sessionizeDecoded } from '../pipeline/sessionize-step.js';
import { RECORDS_PER_CHUNK } from '../pipeline/processor.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { benchDecodeContext } from './bench-decode-context.js';

/**
 * The pure core: decode + validate (zod), classify, encode rows, sessionize,
 * build session records. Reading the file happens between the timed spans;
 * nothing is written anywhere.
 */
export async function benchCore(pipeline: CompiledPipeline, input: string): Promise<{ events: number; seconds: number; sessions: number }> {
  const sessionizer = new Sessionizer(pipeline.split);
  const ctx = benchDecodeContext(pipeline);
  let events = 0;
  let sessions = 0;
  let nanoseconds = 0n;
  for await (const batch of ndjsonBatches(input, RECORDS_PER_CHUNK)) {
    const started = process.hrtime.bigint();
    sessionizeDecoded(sessionizer, batch, decodeRecords(pipeline, batch, ctx), ctx.receivedAtMs);
    const context = pipeline.recordContext('bench', sessionizer.watermarkMs);
    for (const closed of sessionizer.advance()) {
      buildSessionRecord(closed, context);
      sessions++;
    }
    nanoseconds += process.hrtime.bigint() - started;
    events += batch.length;
  }
  return { events, seconds: Number(nanoseconds) / 1e9, sessions };
}
