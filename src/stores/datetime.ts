/** A ms timestamp as ClickHouse's DateTime64(3) text, for query parameters ('2026-11-02 10:00:00.000'). */
export function toClickHouseDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}
