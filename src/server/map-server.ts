/**
 * The journey map served live (`journeys serve`, `journeys run --serve-map`):
 * GET / is the map page for the query string (from, to, level, mode,
 * segment, compare, variant, variants), GET /api/map the same figures as
 * JSON, /healthz. It reads the store it is given; with an embedded store
 * that is the one process allowed to open its directory (docs/architecture.md),
 * so a consumer serves the map itself. Errors become a plain page or a JSON
 * {error}, never a stack trace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Store } from '../stores/store.js';
import type { JourneyDefinition } from '../journey/definition-schema.js';
import { FUNNEL_LEVELS } from '../journey/definition-schema.js';
import { UsageError } from '../cli/cli-error.js';
import { readJourneyMap } from '../map/read-journey-map.js';
import { parseMapQuery, type MapQueryValues } from '../map/map-query.js';
import { renderErrorPage, renderMapPage, type ServedControls } from '../map/render/map-page.js';
import type { JourneyMap } from '../map/journey-map.js';
import { readSegments } from '../map/read-segments.js';

const QUERY_KEYS = ['from', 'to', 'level', 'mode', 'segment', 'compare', 'variant', 'variants'] as const;
/** Maps kept for a while per query: a page polling every few seconds, or many viewers, read the store once per refresh. */
const CACHE_ENTRIES = 32;

export interface MapServerOptions {
  store: Store;
  definition: JourneyDefinition;
  port: number;
  host?: string;
  /** How often the page asks for new figures; answers are cached for half of it. */
  refreshSeconds?: number;
  logger?: Logger;
}

function queryOf(url: URL): MapQueryValues {
  const values: MapQueryValues = {};
  for (const key of QUERY_KEYS) {
    const value = url.searchParams.get(key);
    // An empty field of the page's form means "not given", except a segment, where '' is everyone.
    if (value !== null && (value !== '' || key === 'segment')) values[key] = value;
  }
  if (values.segment === '') delete values.segment;
  return values;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS });
  response.end(body);
}

export async function startMapServer(options: MapServerOptions): Promise<Server> {
  const refreshSeconds = options.refreshSeconds ?? 30;
  const cache = new Map<string, { atMs: number; map: Promise<JourneyMap> }>();

  const mapFor = (values: MapQueryValues): Promise<JourneyMap> => {
    const key = JSON.stringify(values);
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.atMs < (refreshSeconds * 1000) / 2) return hit.map;
    const map = readJourneyMap(options.store, { ...parseMapQuery(values, options.definition), nowMs: now });
    cache.delete(key);
    cache.set(key, { atMs: now, map });
    // A failed read is not kept: the next request tries again.
    map.catch(() => cache.get(key)?.map === map && cache.delete(key));
    while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    return map;
  };

  const controlsFor = async (values: MapQueryValues): Promise<ServedControls> => ({
    query: values,
    segments: await readSegments(options.store, options.definition.name).catch(() => []),
    levels: [...FUNNEL_LEVELS],
    refreshSeconds,
    apiPath: '/api/map',
    pagePath: '/',
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain; charset=utf-8', 'only GET\n');
    if (url.pathname === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
    const values = queryOf(url);
    if (url.pathname === '/api/map') {
      try {
        return send(response, 200, 'application/json; charset=utf-8', JSON.stringify(await mapFor(values)));
      } catch (error) {
        const status = error instanceof UsageError ? 400 : 500;
        if (status === 500) options.logger?.error({ err: error }, 'map read failed');
        return send(response, status, 'application/json; charset=utf-8', JSON.stringify({ error: messageOf(error) }));
      }
    }
    if (url.pathname !== '/') return send(response, 404, 'text/plain; charset=utf-8', 'the map is at / and its figures at /api/map\n');
    const served = await controlsFor(values);
    try {
      return send(response, 200, 'text/html; charset=utf-8', renderMapPage(await mapFor(values), { served }));
    } catch (error) {
      const status = error instanceof UsageError ? 400 : 500;
      if (status === 500) options.logger?.error({ err: error }, 'map read failed');
      return send(response, status, 'text/html; charset=utf-8', renderErrorPage(messageOf(error), { served }));
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.logger?.error({ err: error }, 'map request failed');
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'the map could not be served; see the server log\n');
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}

/** What the page says about a failure: the message of a user mistake, a plain sentence otherwise. */
function messageOf(error: unknown): string {
  if (error instanceof UsageError) return error.message.replace(/--(\w+)/g, '$1');
  return `The map could not be read from the store (${error instanceof Error ? error.message.split('\n')[0] : String(error)}). Try again; if it persists, see the server log.`;
}
