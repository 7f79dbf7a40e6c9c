import { ndjsonBatches } from '../sources/file-source.js';
import { decodeRecords } from '../pipeline/decode-records.js';
import { RECORDS_PER_CHUNK } from '../pipeline/processor.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import { EVENT_COLUMNS, eventRow } from '../stores/rows.js';
import { RowBuffer } from '../stores/row-buffer.js';
import { benchDecodeContext } from './bench-decode-context.js';
import { withBenchStore } from './bench-store.js';

/**
 * The most rows the pipeline's RowBatcher puts in one insert. In a run,
 * sessions and dead letters count towards it too, so the pipeline's own
 * events inserts are smaller, and smaller inserts are no faster: the
 * floor measured here is, if anything, generous.
 */
const ROWS_PER_INSERT = 100_000;

/**
 * The floor under end to end on the embedded store (issue 14): chDB
 * inserting the file's events rows — the rows the pipeline writes, encoded
 * the same way, with the store's insert settings — and nothing else: no
 * sessions, journeys or rollups. A chDB connection runs one statement at a
 * time, so end to end on the store's one connection cannot pass the slower
 * of the JS core and this insert: when the insert alone is slower than the
 * core, it caps end_to_end_to_core_ratio at events_insert_to_core_ratio.
 * Only the inserts are timed (decoding and encoding the rows happen between
 * them), in a fresh store, after the end to end run so its page faults stay
 * out of that run's count.
 */
export function benchEventsInsertAlone(pipeline: CompiledPipeline, input: string): Promise<{ rows: number; seconds: number; cpuSeconds: number }> {
  return withBenchStore('insert', async (store) => {
    const where = { pipeline: pipeline.name, stream: 'files', stageNames: pipeline.stageNames };
    const ctx = benchDecodeContext(pipeline);
    const rows = new RowBuffer();
    let nanoseconds = 0n;
    let cpuMicroseconds = 0;
    const insert = async () => {
      const payload = rows.take();
      const started = process.hrtime.bigint();
      const before = process.cpuUsage();
      await store.insertCompactRows('events', EVENT_COLUMNS, payload);
      // Every thread of the process: chDB parses and writes on its own threads while the JS thread waits.
      const used = process.cpuUsage(before);
      cpuMicroseconds += used.user + used.system;
      nanoseconds += process.hrtime.bigint() - started;
      rows.recycle(payload);
    };
    for await (const batch of ndjsonBatches(input, RECORDS_PER_CHUNK)) {
      const encoded: unknown[][] = [];
      for (const decoded of decodeRecords(pipeline, batch, ctx)) if (decoded.kind === 'event') encoded.push(eventRow(where, decoded.classified));
      rows.pushRows(encoded);
      if (rows.rowCount >= ROWS_PER_INSERT) await insert();
    }
    if (rows.rowCount > 0) await insert();
    const [counted] = await store.query<{ n: number | string }>('SELECT count() AS n FROM events');
    return { rows: Number(counted?.n ?? 0), seconds: Number(nanoseconds) / 1e9, cpuSeconds: cpuMicroseconds / 1e6 };
  });
}
