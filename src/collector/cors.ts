import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for browser SDKs calling the collector from a site's pages (another
 * origin): any origin may send, as with Segment's API — the write key, not
 * the origin, says who may. The request's own origin is echoed (not `*`)
 * so that a page sending credentials is answered too; `Vary: Origin` keeps
 * caches from mixing answers. Preflights are answered for a day.
 */
export function setCorsHeaders(request: IncomingMessage, response: ServerResponse): void {
  const origin = request.headers.origin;
  if (!origin) return;
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('access-control-allow-credentials', 'true');
  response.setHeader('vary', 'Origin');
}

/** The answer to an OPTIONS preflight. */
export function answerPreflight(request: IncomingMessage, response: ServerResponse): void {
  setCorsHeaders(request, response);
  response.setHeader('access-control-allow-methods', 'POST, OPTIONS');
  // The headers the SDKs send: RudderStack's AnonymousId, Segment's Content-Encoding for gzip.
  response.setHeader('access-control-allow-headers', request.headers['access-control-request-headers'] ?? 'authorization, content-type, anonymousid, content-encoding');
  response.setHeader('access-control-max-age', '86400');
  response.writeHead(204);
  response.end();
}
