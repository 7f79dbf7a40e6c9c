/**
 * Quantile with linear interpolation between closest ranks (R-7, Excel's
 * PERCENTILE.INC): the definition ClickHouse's quantileExactInclusive uses,
 * so person-level funnels computed here match the session funnels from SQL.
 */
export function quantileInclusive(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const fraction = position - lower;
  const a = sorted[lower]!;
  const b = sorted[Math.min(lower + 1, sorted.length - 1)]!;
  return a + (b - a) * fraction;
}
