import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

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
  const { registry } = options;
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
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
    } else if (path === '/healthz') {
      const health = options.healthy();
      response.writeHead(health.ok ? 200 : 503, { 'content-type': 'text/plain' });
      response.end(`${health.ok ? 'ok' : 'unhealthy'}: ${health.detail}\n`);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('try /metrics or /healthz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return server;
}
