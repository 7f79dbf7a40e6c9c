import { realpathSync } from 'node:fs';
import type { Store } from '../stores/store.js';
import { checkCsvHeader, formatOf, inputBatches, type FileFormat } from '../sources/file-source.js';
import { DEFAULT_LIMITS, type InputLimits } from '../events/limits.js';
import type { CompiledPipeline } from './compiled-pipeline.js';
import { JourneyProcessor, RECORDS_PER_CHUNK, type IngestSummary } from './processor.js';

export interface IngestOptions {
  /** Forces the format; otherwise by file name (.csv → csv, else ndjson). */
  format?: FileFormat | undefined;
  batchSize?: number;
  limits?: InputLimits;
  emailSalt?: string | undefined;
  onProgress?: (read: number) => void;
  onRollupDay?: (done: number, total: number) => void;
  /** Told about optional CSV columns a file lacks; default: printed to stderr. */
  onWarning?: (message: string) => void;
}

/** File runs share one stream state per pipeline, so a file continues where the previous one ended. */
export const FILE_STREAM = 'files';

/** Ingests NDJSON/CSV files (or `-` for stdin) through the core into the store. */
export async function ingestFiles(store: Store, pipeline: CompiledPipeline, inputs: readonly string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const csv = pipeline.definition.csv;
  const delimiter = csv?.delimiter ?? ',';
  const maxRecordBytes = (options.limits ?? DEFAULT_LIMITS).maxRecordBytes;
  // Every file's header first: a file missing a required column stops the run before anything is written.
  for (const input of inputs) {
    if (input !== '-' && (options.format ?? formatOf(input)) === 'csv') await checkCsvHeader(input, { delimiter, maxRecordBytes, mapping: csv });
  }
  const onWarning = options.onWarning ?? ((message: string) => console.error(`warning: ${message}`));
  const processor = await JourneyProcessor.start({
    pipeline,
    store,
    stream: FILE_STREAM,
    limits: options.limits,
    emailSalt: options.emailSalt,
    rebuildSettledDays: true,
    countSessions: true,
  });
  let read = 0;
  for (const input of inputs) {
    const format = options.format ?? formatOf(input);
    // Origins, and so dead-letter ids, name a file by its real path: ./x.ndjson,
    // x.ndjson, /abs/x.ndjson and a symlink to it are one file, read again.
    const path = input === '-' ? input : realpathSync(input);
    const batchesOfInput = inputBatches(path, { format, delimiter, size: options.batchSize ?? RECORDS_PER_CHUNK, maxRecordBytes, csv, onWarning });
    for await (const batch of batchesOfInput) {
      await processor.process(batch);
      read += batch.length;
      options.onProgress?.(read);
    }
  }
  return processor.finish({ onRollupDay: options.onRollupDay });
}
