import { existsSync, statSync } from 'node:fs';
import { CsvError } from 'csv-parse';
import type { FileFormat } from './file-source.js';

/** An input that cannot be read in the format it is read in (NDJSON read as CSV, a broken quote): the user's to fix. */
export class InputFormatError extends Error {
  override name = 'InputFormatError';
}

/** An --input that is not a readable file: the user's to fix. Undefined when it is fine (or stdin). */
export function inputProblem(input: string): string | undefined {
  if (input === '-') return undefined;
  if (!existsSync(input)) return `input file not found: ${input}`;
  if (statSync(input).isDirectory()) return `--input ${input} is a directory: give the files in it, e.g. --input ${input.replace(/\/$/, '')}/events.ndjson (repeat --input for several)`;
  return undefined;
}

/**
 * Passes an input's batches on, turning a failure to parse it into an
 * InputFormatError that names the input and the format. Errors of the
 * consumer's own work (store writes) are not touched: only the reads are
 * wrapped.
 */
export async function* namingReadErrors<T>(input: string, format: FileFormat, batches: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      let step: IteratorResult<T>;
      try {
        step = await iterator.next();
      } catch (error) {
        if (!(error instanceof CsvError)) throw error;
        const name = input === '-' ? 'stdin' : input;
        const hint = format === 'csv' ? ' If it is NDJSON, pass --format ndjson; otherwise fix the file at that line.' : '';
        throw new InputFormatError(`cannot read ${name} as ${format.toUpperCase()}: ${error.message.split('\n')[0]}.${hint}`, { cause: error });
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    // Stops the reader (closes the file) when the consumer stops early or fails.
    await iterator.return?.();
  }
}
