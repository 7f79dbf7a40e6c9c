import type { ServerResponse } from 'node:http';

/** A JSON answer (Segment's API answers `{"success": true}`; errors say what to do in `message`). */
export function replyJson(response: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Seconds a client should wait before sending again when Kafka or the store is down, or the collector is full. */
export const RETRY_AFTER_SECONDS = 5;

export function replyUnavailable(response: ServerResponse, message: string): void {
  replyJson(response, 503, { success: false, message: `${message}; nothing of this request was acknowledged, send it again` }, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}
