import { ndjsonBatches } from '../sources/file-source.js';
import { RECORDS_PER_CHUNK } from '../pipeline/processor.js';

/**
 * The floor under the core: `JSON.parse` of every line of the same file, read
 * in the same batches, nothing else. The core's rate is reported against it
 * (issue 14: core ≥ 0.45 × this rate), so both are timed the same way (the
 * reading between the timed spans).
 */
export async function benchParseOnly(input: string): Promise<{ events: number; seconds: number }> {
  let events = 0;
  let nanoseconds = 0n;
  let keep = 0;
  for await (const batch of ndjsonBatches(input, RECORDS_PER_CHUNK)) {
    const started = process.hrtime.bigint();
    for (const record of batch) {
      try {
        // Touch the result so the parse cannot be optimised away.
        keep += typeof JSON.parse(record.raw) === 'object' ? 1 : 0;
      } catch {
        // The generator's malformed lines: the core dead-letters them, here they cost their parse attempt.
      }
    }
    nanoseconds += process.hrtime.bigint() - started;
    events += batch.length;
  }
  if (keep < 0) throw new Error('unreachable');
  return { events, seconds: Number(nanoseconds) / 1e9 };
}
