/**
 * The text of a value nothing has validated (a Segment property, a
 * context path a rule names): a string as it is, a finite number or a boolean
 * as JSON writes it, anything else (object, array, null, absent) undefined,
 * so callers treat it as absent. Never String(value) on such input: an object
 * like `{"toString":1}` makes String() throw, and `[object Object]` is no
 * answer either.
 */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return undefined;
}
