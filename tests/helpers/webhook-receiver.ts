import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real webhook receiver on 127.0.0.1 (random port) for tests. `respond`
 * picks each answer's status by request number (a 3xx answer carries
 * `location`); 'hang' never answers. It stops by itself after `lifetimeMs`
 * even if a test forgets to close it.
 */
export async function startWebhookReceiver(options: { respond?: (requestNumber: number) => number | 'hang'; location?: string; lifetimeMs?: number } = {}) {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = options.respond?.(received.length) ?? 200;
      if (answer === 'hang') return;
      const redirect = answer >= 300 && answer < 400 && options.location ? { location: options.location } : {};
      res.writeHead(answer, { 'content-type': 'text/plain', ...redirect }).end(answer < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    clearTimeout(deadline);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const deadline = setTimeout(() => void close(), options.lifetimeMs ?? 30_000);
  deadline.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`, received, close };
}
