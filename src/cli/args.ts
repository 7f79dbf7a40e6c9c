import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly; unknown flags are a UsageError naming the command's help. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun \`journeys ${command} --help\` for the flags it takes.`);
  }
}

/** Parses an ISO time flag; undefined when absent. */
export function parseTimeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(/(?:Z|[+-]\d\d:?\d\d)$/i.test(value) || !value.includes('T') ? value : `${value}Z`);
  if (!Number.isFinite(ms)) throw new UsageError(`--${name} must be an ISO time such as 2026-11-02T00:00:00Z (got "${value}")`);
  return ms;
}

/**
 * Parses --from/--to. A range that ends before it starts selects nothing, and
 * every report would quietly show zeros: refused instead.
 */
export function parseTimeRange(values: { from?: string | undefined; to?: string | undefined }): { fromMs: number | undefined; toMs: number | undefined } {
  const fromMs = parseTimeFlag('from', values.from);
  const toMs = parseTimeFlag('to', values.to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw new UsageError(`--from (${values.from}) must be before --to (${values.to}): swap them`);
  }
  return { fromMs, toMs };
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}
