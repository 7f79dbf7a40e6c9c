import { csvColumns, type CsvMapping } from '../journey/csv-mapping.js';

/** What a file's header lacks of the columns a mapping names. */
export interface HeaderCheck {
  /** Columns the mapping needs: the file cannot be read. */
  missingRequired: string[];
  /** Columns the mapping marks optional: read as empty. */
  missingOptional: string[];
}

/** Compares a header (trimmed column names) with the columns a mapping names. */
export function checkHeader(header: readonly string[], mapping: CsvMapping): HeaderCheck {
  const present = new Set(header);
  const { required, optional } = csvColumns(mapping);
  return {
    missingRequired: required.filter((column) => !present.has(column)),
    missingOptional: optional.filter((column) => !present.has(column)),
  };
}

/** A hint for a first line that looks like JSON (an NDJSON file read as CSV), else ''. */
export function jsonHint(headerRaw: string): string {
  return /^\s*[{[]/.test(headerRaw) ? ' The first line looks like JSON: if the file is NDJSON, pass --format ndjson.' : '';
}

/** The error for a header that lacks required columns, naming them and the file. */
export function missingColumnsMessage(name: string, header: readonly string[], missing: readonly string[], { headerRaw }: { headerRaw: string }): string {
  const columns = missing.length === 1 ? `column ${missing[0]}` : `columns ${missing.join(', ')}`;
  const hint = jsonHint(headerRaw) || ' Mark the column optional in the csv mapping (optional: [...]) if files may lack it.';
  const shown = header.join(',');
  const headerText = shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
  return `${name}: the CSV header has no ${columns}, which the csv mapping requires (header: ${headerText}); nothing of the file was read.${hint}`;
}
