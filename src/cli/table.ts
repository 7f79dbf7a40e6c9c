/** Renders rows as an aligned plain-text table (numbers right-aligned). */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? '—' : String(cell))));
  const numeric = headers.map((_, i) => rows.every((row) => row[i] === null || typeof row[i] === 'number'));
  const widths = headers.map((header, i) => Math.max(header.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) =>
    row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function percent(share: number | null): string | null {
  return share === null ? null : `${(share * 100).toFixed(1)}%`;
}
