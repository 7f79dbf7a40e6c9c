import { z } from 'zod';
import { compileLinearRegex } from './linear-regex.js';

/**
 * A property predicate. Several operators in one predicate must all hold
 * (e.g. `{ gte: 10, lt: 100 }`).
 */
export const predicateSchema = z
  .strictObject({
    equals: z.union([z.string(), z.number(), z.boolean()]).optional().describe('Equal to this value (strings compare exactly)'),
    in: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional().describe('Equal to one of these values'),
    prefix: z.string().optional().describe('A string starting with this text'),
    regex: z
      .string()
      .check((ctx) => {
        const compiled = compileLinearRegex(ctx.value);
        if (compiled.kind === 'invalid') ctx.issues.push({ code: 'custom', message: compiled.reason, input: ctx.value });
      })
      .optional()
      .describe('A string matching this regular expression somewhere (RE2 syntax; matching time is linear in the value)'),
    exists: z.boolean().optional().describe('true: the field is present and not null; false: it is absent'),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), { message: 'a predicate needs at least one operator' });

export type Predicate = z.infer<typeof predicateSchema>;

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Compiles a predicate into a test; the regex is built once, not per event. */
export function compilePredicate(predicate: Predicate): (value: unknown) => boolean {
  const tests: Array<(value: unknown) => boolean> = [];
  if (predicate.exists !== undefined) {
    const wanted = predicate.exists;
    tests.push((v) => (v !== undefined && v !== null) === wanted);
  }
  if (predicate.equals !== undefined) {
    const expected = predicate.equals;
    tests.push((v) => v === expected || (typeof expected === 'number' && toNumber(v) === expected));
  }
  if (predicate.in !== undefined) {
    const allowed = new Set<unknown>(predicate.in);
    tests.push((v) => allowed.has(v) || (typeof v === 'string' && allowed.has(toNumber(v))));
  }
  if (predicate.prefix !== undefined) {
    const prefix = predicate.prefix;
    tests.push((v) => typeof v === 'string' && v.startsWith(prefix));
  }
  if (predicate.regex !== undefined) {
    const regex = compileLinearRegex(predicate.regex);
    // The schema refused invalid patterns; a predicate built by hand fails here, at compile time.
    if (regex.kind === 'invalid') throw new Error(`regex ${predicate.regex}: ${regex.reason}`);
    const test = regex.test;
    tests.push((v) => typeof v === 'string' && test(v));
  }
  const bounds: Array<[number | undefined, (a: number, b: number) => boolean]> = [
    [predicate.gt, (a, b) => a > b],
    [predicate.gte, (a, b) => a >= b],
    [predicate.lt, (a, b) => a < b],
    [predicate.lte, (a, b) => a <= b],
  ];
  for (const [bound, compare] of bounds) {
    if (bound === undefined) continue;
    tests.push((v) => {
      const n = toNumber(v);
      return n !== undefined && compare(n, bound);
    });
  }
  return (value) => tests.every((test) => test(value));
}
