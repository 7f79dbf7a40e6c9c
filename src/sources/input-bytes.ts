import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { InputFormatError } from './input-errors.js';

/** Whether a path names a gzip-compressed file (`events.ndjson.gz`, `2019-Oct.csv.gz`). */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

// 256 KB reads: reading a 1.15 GB file took 0.77 s of CPU with the default
// 64 KB, 0.33 s with 256 KB, 0.26 s with 1 MB; end to end +2% over the
// default (1 MB gave no clear further gain and holds more memory per chunk).
// Gunzip's output chunks get the same size: its default 16 KB would mean 16
// times the steps per file for the line reader.
const CHUNK_BYTES = 256 * 1024;

/**
 * Opens a file (or `-` for stdin) as a byte stream; `.gz` files are
 * decompressed as they are read. A file whose first bytes are gzip's magic
 * number but whose name does not say so is refused rather than read as lines
 * of binary garbage.
 */
export function openInput(path: string): Readable {
  const file = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: CHUNK_BYTES });
  if (!isGzipPath(path)) return file;
  // pipeline, not pipe: a read error of the file must reach the reader of the gunzip stream.
  return pipeline(file, createGunzip({ chunkSize: CHUNK_BYTES }), () => {});
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * The chunks of an opened input, with its errors named: a corrupt or truncated
 * gzip file becomes an InputFormatError naming the file.
 */
export async function* inputChunks(path: string, input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  let first = true;
  try {
    for await (const chunk of input) {
      if (first && typeof chunk !== 'string' && chunk.length >= 2 && chunk[0] === GZIP_MAGIC_0 && chunk[1] === GZIP_MAGIC_1 && !isGzipPath(path)) {
        throw new InputFormatError(`${path === '-' ? 'stdin' : path}: the input is gzip-compressed; name the file *.gz (or pipe it through gunzip)`);
      }
      first = false;
      yield chunk;
    }
  } catch (error) {
    if (error instanceof InputFormatError) throw error;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputFormatError(`${path}: not a readable gzip file (${(error as Error).message})`, { cause: error });
    }
    throw error;
  }
}
