import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** Why a body was not read: too large (the limit in bytes), an encoding not supported, or bytes that do not decompress. */
export type BodyProblem = { kind: 'too-large'; limit: number } | { kind: 'bad-encoding'; reason: string };

export type BodyRead = { kind: 'ok'; bytes: Buffer } | { kind: 'problem'; problem: BodyProblem };

/**
 * A request's body, at most `maxBytes` once decompressed (Segment's SDKs
 * may gzip their batches: `Content-Encoding: gzip`). Reading stops at the
 * limit, so an oversized body costs no more memory than the limit; the
 * rest of it is drained, not kept, so the client reads the answer.
 */
export async function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return { kind: 'problem', problem: { kind: 'too-large', limit: maxBytes } };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (tooLarge) continue;
    size += chunk.length;
    if (size > maxBytes) {
      tooLarge = true;
      chunks.length = 0;
    } else chunks.push(chunk);
  }
  if (tooLarge) return { kind: 'problem', problem: { kind: 'too-large', limit: maxBytes } };
  const bytes = Buffer.concat(chunks, size);
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return { kind: 'ok', bytes };
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    return { kind: 'problem', problem: { kind: 'bad-encoding', reason: `Content-Encoding "${encoding}" is not supported (send identity, gzip or deflate)` } };
  }
  try {
    // maxOutputLength bounds the inflated size too: a small zip bomb stays a 400.
    const inflated = encoding === 'gzip' ? await gunzipAsync(bytes, { maxOutputLength: maxBytes }) : await inflateAsync(bytes, { maxOutputLength: maxBytes });
    return { kind: 'ok', bytes: inflated };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { kind: 'problem', problem: { kind: 'too-large', limit: maxBytes } };
    return { kind: 'problem', problem: { kind: 'bad-encoding', reason: `the ${encoding} body does not decompress: ${(error as Error).message}` } };
  }
}
