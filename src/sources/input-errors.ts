import { existsSync, statSync } from 'node:fs';

/** An input that cannot be read in the format it is read in (NDJSON read as CSV, gzip under another name): the user's to fix. */
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
