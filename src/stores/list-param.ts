import type { QueryParams } from './store.js';

/**
 * `column IN` a list of strings, the list as one query parameter named
 * `name`: newline-separated text split in SQL (chDB parses a long Array
 * parameter several times slower, see pipeline/stored-copies.ts), or an
 * array when a value holds a newline.
 */
export function inList(column: string, values: readonly string[], params: QueryParams, name: string): string {
  if (values.some((value) => value.includes('\n'))) {
    params[name] = values;
    return `${column} IN {${name}:Array(String)}`;
  }
  params[name] = values.join('\n');
  return `${column} IN (SELECT arrayJoin(splitByChar('\\n', {${name}:String})))`;
}

/** JSONCompactEachRow text as rows: one JSON.parse of the whole answer (a call per line cost ~2× more). */
export function parseCompactRows(text: string): unknown[][] {
  const body = text.trimEnd();
  return body === '' ? [] : (JSON.parse(`[${body.replaceAll('\n', ',')}]`) as unknown[][]);
}

/** `column` (a DateTime64) within one of the [from, to) ms ranges: the placeholders are made here, the times travel as parameters. */
export function inTimeRanges(column: string, ranges: ReadonlyArray<[number, number]>, params: QueryParams): string {
  return ranges
    .map(([from, to], i) => {
      params[`from_${i}`] = from;
      params[`to_${i}`] = to;
      return `(${column} >= fromUnixTimestamp64Milli({from_${i}:Int64}, 'UTC') AND ${column} < fromUnixTimestamp64Milli({to_${i}:Int64}, 'UTC'))`;
    })
    .join(' OR ');
}

/** A list of strings as an Array expression (text split in SQL, or an array when a value holds a newline). */
export function listExpression(values: readonly string[], params: QueryParams, name: string): string {
  if (values.some((value) => value.includes('\n'))) {
    params[name] = values;
    return `{${name}:Array(String)}`;
  }
  params[name] = values.join('\n');
  return `splitByChar('\\n', {${name}:String})`;
}
