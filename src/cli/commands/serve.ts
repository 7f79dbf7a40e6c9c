import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, openStore } from '../store-option.js';
import { startMapServer } from '../../server/map-server.js';
import { createLogger } from '../../observability/logger.js';

export const HELP = `journeys serve — the customer journey map, served live from the store

Usage: journeys serve --pipeline <name|file> [--port 8080] [--host 127.0.0.1] [options]

${PIPELINE_HELP}
  --port <n>             port (default 8080)
  --host <addr>          address to listen on (default 127.0.0.1: this machine only)
  --refresh <seconds>    how often the page asks for new figures (default 30)
${STORE_HELP}

The page chooses period, level, mode, segment and comparison itself; /api/map gives the
same figures as JSON (the query names of journeys map's flags: from, to, level, mode,
segment, compare, variant, variants). An embedded store is opened by one process at a time:
while journeys run consumes into it, serve the map from that process
(journeys run … --serve-map 8080), or use a ClickHouse server, which any number of
processes read.`;

export function parsePort(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--${flag} takes a port number 0–65535 (got "${text}")`);
  return port;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('serve', argv, {
    pipeline: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    refresh: { type: 'string' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('serve', values.pipeline);
  const port = parsePort(values.port, 8080, 'port');
  const refreshSeconds = values.refresh === undefined ? 30 : Number(values.refresh);
  if (!Number.isFinite(refreshSeconds) || refreshSeconds < 1) throw new UsageError(`--refresh takes a number of seconds ≥ 1 (got "${values.refresh}")`);
  const logger = createLogger({ component: 'serve' });
  const store = await openStore(values, { migrate: true });
  let server;
  try {
    server = await startMapServer({ store, definition, port, host: values.host ?? '127.0.0.1', refreshSeconds, logger });
  } catch (error) {
    await store.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: choose another with --port`);
    throw error;
  }
  const address = server.address();
  const shown = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/` : String(address);
  console.log(`Serving the journey map of ${definition.name} at ${shown} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await store.close();
  return 0;
}
