import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/journeys.js');

/** A `journeys collect` child process and the base URL it listens on. */
export interface RunningCollector {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr so far (its pino logs, warnings). */
  stderr: () => string;
  /** Everything it wrote to stdout so far (what it serves where). */
  stdout: () => string;
  /** SIGTERM, then resolves with its exit code once it has stopped (answering what is in flight, rebuilding rollups). */
  stop: () => Promise<number | null>;
  /** SIGKILL: no chance to flush anything. */
  kill: () => Promise<void>;
}

/**
 * Starts the built CLI's `journeys collect` on a free loopback port
 * (`--port 0`) and waits for its "Collecting … at http://…" line. Store,
 * broker and pipeline come from `args` only: the test's environment is
 * cleaned of JOURNEYS_STORE, KAFKA_BROKERS and the like.
 */
export async function startCollector(args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunningCollector> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of ['JOURNEYS_STORE', 'JOURNEYS_DATABASE', 'JOURNEYS_PIPELINE', 'KAFKA_BROKERS', 'JOURNEYS_WRITE_KEYS', 'HUBSPOT_CLIENT_SECRET']) {
    if (!options.env || !(name in options.env)) delete env[name];
  }
  const child = spawn(process.execPath, [BIN, 'collect', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`journeys collect did not start within ${options.timeoutMs ?? 60_000} ms; stderr:\n${stderr}`)), options.timeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /at (http:\/\/[^/\s]+)\//.exec(stdout);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`journeys collect exited (${code}) before listening; stderr:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    stderr: () => stderr,
    stdout: () => stdout,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** HTTP Basic auth as Segment's SDKs send a write key: the key as the user name, no password. */
export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** POSTs a JSON body (or raw text) to the collector with a write key; the status and parsed answer. */
export async function post(url: string, body: unknown, options: { writeKey?: string; raw?: boolean; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.writeKey !== undefined) headers['authorization'] = basicAuth(options.writeKey);
  const response = await fetch(url, { method: 'POST', headers, body: options.raw ? String(body) : JSON.stringify(body) });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
