import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../pipeline/ingest-files.js';
import { loadDefinition } from '../journey/load-definition.js';
import { compilePipeline } from '../pipeline/compiled-pipeline.js';
import { benchSessionMemory } from './session-memory-bench.js';
import { withBenchStore } from './bench-store.js';

const START_MS = Date.UTC(2026, 10, 2, 12);
const HOUR_MS = 3_600_000;
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
];

/** One page view per distinct visitor, all within one hour: every session is still open when the file ends. */
export function burstLine(i: number, visitors: number): string {
  return JSON.stringify({
    type: 'page',
    name: 'Home',
    messageId: `burst-${i}`,
    anonymousId: `burst-visitor-${i.toString(36).padStart(8, '0')}`,
    timestamp: new Date(START_MS + Math.floor((i * HOUR_MS) / visitors)).toISOString(),
    properties: { path: '/', url: 'https://shop.example/', referrer: 'https://www.google.com/' },
    context: {
      page: { path: '/', url: 'https://shop.example/?utm_source=newsletter', referrer: 'https://www.google.com/' },
      campaign: { source: 'newsletter', medium: 'email', name: `drop-${i % 7}` },
      userAgent: USER_AGENTS[i % USER_AGENTS.length],
    },
  });
}

async function burstInput(visitors: number, log: (message: string) => void): Promise<string> {
  const path = join(tmpdir(), `journeys-bench-burst-${visitors}.ndjson`);
  if (existsSync(path)) return path;
  log(`writing ${visitors.toLocaleString('en-US')} one-event visitors into ${path} (once) …`);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  for (let i = 0; i < visitors; i++) if (!out.write(`${burstLine(i, visitors)}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  renameSync(partial, path);
  return path;
}

/**
 * `npm run bench -- burst [--visitors N] [--json]`: a burst of distinct
 * one-event visitors within one hour, so every session is open at the end
 * (the worst case for memory): heap per open one-event session in the
 * sessionizer, and the peak RSS of the whole ingest (file → embedded store,
 * checkpoint of every open session included) per visitor.
 */
export async function runBurstBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, visitors: { type: 'string' } } });
  const visitors = Number(values.visitors ?? 500_000);
  const log = (message: string) => (values.json ? process.stderr : process.stdout).write(`${message}\n`);
  const pipelinesDir = fileURLToPath(new URL('../../pipelines/', import.meta.url));
  const pipeline = compilePipeline(loadDefinition('ecommerce', { pipelinesDir }).definition);
  const input = await burstInput(visitors, log);

  await withBenchStore('burst-store', async (store) => {
    const baselineKb = process.resourceUsage().maxRSS;
    const summary = await ingestFiles(store, pipeline, [input]);
    const peakKb = process.resourceUsage().maxRSS;
    const bytesPerVisitor = Math.round(((peakKb - baselineKb) * 1024) / summary.read);
    // The ingest first: the RSS peak of the heap measurement below would hide it.
    log(`ingest: ${summary.sessions.toLocaleString('en-US')} sessions open at the end; peak RSS ${(peakKb / 1024).toFixed(0)} MiB (+${((peakKb - baselineKb) / 1024).toFixed(0)} MiB during the ingest) = ${bytesPerVisitor} bytes per visitor`);
    const heap = await benchSessionMemory(pipeline, input, visitors);
    log(`heap per open one-event session: ${heap.bytesPerSession} bytes (${heap.openSessions.toLocaleString('en-US')} open sessions)`);
    if (values.json) {
      console.log(JSON.stringify({ visitors, heap_bytes_per_one_event_session: heap.bytesPerSession, ingest_peak_rss_bytes_per_visitor: bytesPerVisitor, peak_rss_mib: Math.round(peakKb / 1024) }));
    }
  });
}
