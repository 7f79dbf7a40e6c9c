import { createServer, type Server } from 'node:http';
import type { MetricsRegistry } from './metrics.js';

/** Serves /metrics (Prometheus text) and /healthz on 127.0.0.1 unless told otherwise. */
export async function startMetricsServer(options: {
  port: number;
  host?: string;
  registry: MetricsRegistry;
  healthy: () => { ok: boolean; detail: string };
}): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(options.registry.render());
    } else if (request.url === '/healthz') {
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
