import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/journeys.js');

/** The environment of the test process without the variables that would pick a store, database, pipeline or broker. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['JOURNEYS_STORE', 'JOURNEYS_DATABASE', 'JOURNEYS_PIPELINE', 'KAFKA_BROKERS']) if (!(name in extra)) delete env[name];
  return env;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (compiled by the global setup) as a user would, with no store or broker from the environment. */
export function journeys(args: readonly string[], options: { cwd?: string; input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: options.cwd,
    input: options.input,
    // A command that hangs (the bug under test) is killed: status null.
    timeout: options.timeoutMs,
    env: cleanEnv(options.env),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking the test process (for commands that wait on something the test serves). */
export function journeysAsync(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** A fresh embedded store spec in a temporary directory. */
export function tempStore(): string {
  return `embedded:${mkdtempSync(join(tmpdir(), 'journeys-cli-'))}`;
}
