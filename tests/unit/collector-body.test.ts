import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readRequestBody } from '../../src/collector/request-body.js';
import { InFlightBytes } from '../../src/collector/in-flight-bytes.js';

/** A request stream with headers, as node:http hands one to a handler. */
function request(chunks: Buffer[], headers: Record<string, string> = {}): IncomingMessage {
  return Object.assign(Readable.from(chunks), { headers }) as unknown as IncomingMessage;
}

describe('readRequestBody', () => {
  it('reads the body, in chunks', async () => {
    const read = await readRequestBody(request([Buffer.from('{"a":'), Buffer.from('1}')]), 100);
    expect(read.kind === 'ok' && read.bytes.toString()).toBe('{"a":1}');
  });

  it('refuses a body over the limit, by its declared length or as it streams', async () => {
    expect(await readRequestBody(request([Buffer.alloc(10)], { 'content-length': '101' }), 100)).toEqual({ kind: 'problem', problem: { kind: 'too-large', limit: 100 } });
    expect(await readRequestBody(request([Buffer.alloc(60), Buffer.alloc(60)]), 100)).toEqual({ kind: 'problem', problem: { kind: 'too-large', limit: 100 } });
    const exact = await readRequestBody(request([Buffer.alloc(100)]), 100);
    expect(exact.kind).toBe('ok');
  });

  it('inflates gzip bodies, within the limit once inflated (a small zip bomb is refused)', async () => {
    const text = JSON.stringify({ batch: [{ type: 'page' }] });
    const read = await readRequestBody(request([gzipSync(text)], { 'content-encoding': 'gzip' }), 1000);
    expect(read.kind === 'ok' && read.bytes.toString()).toBe(text);
    const bomb = gzipSync(Buffer.alloc(1_000_000));
    expect(bomb.length).toBeLessThan(2000);
    expect(await readRequestBody(request([bomb], { 'content-encoding': 'gzip' }), 2000)).toEqual({ kind: 'problem', problem: { kind: 'too-large', limit: 2000 } });
  });

  it('names an unsupported or broken encoding', async () => {
    const br = await readRequestBody(request([Buffer.from('x')], { 'content-encoding': 'br' }), 100);
    expect(br).toEqual({ kind: 'problem', problem: { kind: 'bad-encoding', reason: 'Content-Encoding "br" is not supported (send identity, gzip or deflate)' } });
    const broken = await readRequestBody(request([Buffer.from('not gzip')], { 'content-encoding': 'gzip' }), 100);
    expect(broken.kind === 'problem' && broken.problem.kind).toBe('bad-encoding');
  });
});

describe('InFlightBytes', () => {
  it('lets requests in while they fit, one always when none is in flight', () => {
    const inFlight = new InFlightBytes(100);
    expect(inFlight.tryReserve(500)).toBe(true);
    expect(inFlight.tryReserve(1)).toBe(false);
    inFlight.release(500);
    expect(inFlight.tryReserve(60)).toBe(true);
    expect(inFlight.tryReserve(40)).toBe(true);
    expect(inFlight.tryReserve(1)).toBe(false);
    inFlight.release(40);
    expect(inFlight.bytes).toBe(60);
  });
});
