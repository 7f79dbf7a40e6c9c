import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * Answers /metrics (prom-client's text exposition and content type) and
 * /healthz (`healthy()`, 200 or 503) for any server that offers them;
 * false for another path. Shared by the metrics server below and the
 * collector, which serves both on its own port.
 */
export function answerObservability(
  path: string,
  response: ServerResponse,
  options: { registry: Registry; healthy: () => { ok: boolean; detail: string } },
): boolean {
  const { registry } = options;
  if (path === '/metrics') {
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(text);
      },
      // A collect callback that failed (an async gauge's source down): say so rather than hang the scrape.
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`metrics collection failed: ${error.message}\n`);
      },
    );
    return true;
  }
  if (path === '/healthz') {
    const health = options.healthy();
    response.writeHead(health.ok ? 200 : 503, { 'content-type': 'text/plain' });
    response.end(`${health.ok ? 'ok' : 'unhealthy'}: ${health.detail}\n`);
    return true;
  }
  return false;
}

/**
 * Serves `registry` at /metrics (prom-client's text exposition and content
 * type) and `healthy()` at /healthz, on 127.0.0.1 unless told otherwise.
 * Paths are matched without their query string: scrapers and probes add
 * parameters (`/metrics?foo=1`), and a 404 for them is a silent gap.
 */
export async function startMetricsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  healthy: () => { ok: boolean; detail: string };
}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (answerObservability(path, response, options)) return;
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}
