import type { Issue } from '../core/result.js';

const MAX_PATH_SHOWN = 200;

/**
 * The path of the first object or array below `levelsLeft` more levels, or
 * undefined. Recursion is safe: it never goes deeper than the limit. Only
 * objects and arrays are descended into, and a property is read once.
 */
function tooDeepPath(container: object, levelsLeft: number): string[] | undefined {
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++) {
      const value: unknown = container[i];
      if (typeof value !== 'object' || value === null) continue;
      const path = levelsLeft === 0 ? [] : tooDeepPath(value, levelsLeft - 1);
      if (path) return [String(i), ...path];
    }
    return undefined;
  }
  const record = container as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value !== 'object' || value === null) continue;
    const path = levelsLeft === 0 ? [] : tooDeepPath(value, levelsLeft - 1);
    if (path) return [key, ...path];
  }
  return undefined;
}

/**
 * Whether the text holds at most `limit` opening brackets, counted by native
 * indexOf (brackets inside strings count too, so this only ever errs towards
 * walking). A record cannot nest deeper than its brackets: nearly every
 * record passes here, for ~1/3 of the cost of walking its parsed objects.
 */
function fewBrackets(raw: string, limit: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = raw.indexOf(bracket); at !== -1; at = raw.indexOf(bracket, at + 1)) if (++count > limit) return false;
  }
  return true;
}

/**
 * Why a parsed JSON record nests objects and arrays too deeply, or undefined.
 * The record itself is level 1, so with a limit of 32 `properties` is level 2
 * and may hold 30 more levels. Without a bound, ~5,000 levels in a 30 KB line
 * made JSON.stringify overflow the stack when the events row was written, and
 * the run died. JSON.parse itself reads any depth.
 */
export function nestingIssue(options: { raw: string; record: object; maxDepth: number }): Issue | undefined {
  const { raw, record, maxDepth } = options;
  if (fewBrackets(raw, maxDepth)) return undefined;
  const path = tooDeepPath(record, maxDepth - 1);
  if (!path) return undefined;
  const joined = path.join('.');
  // Keys can be long; the raw record is in the dead letter anyway.
  const shown = joined.length > MAX_PATH_SHOWN ? `${joined.slice(0, MAX_PATH_SHOWN)}…` : joined;
  return { path: shown, message: `objects and arrays nested more than ${maxDepth} levels deep` };
}
