import type { CsvMapping } from '../journey/csv-mapping.js';
import type { CsvRecord } from './csv-records.js';
import { checkHeader } from './csv-header.js';

/** The columns of a CSV input: names as in its header, and the mapping's optional columns it lacks (read as empty). */
export interface CsvHeader {
  names: string[];
  missingOptional: string[];
}

/**
 * A header record's column names (trimmed, a byte-order mark dropped),
 * checked against the mapping when there is one: `missingRequired` lists the
 * columns the mapping needs that the header lacks.
 */
export function csvHeaderOf(values: readonly string[], mapping: CsvMapping | undefined): { header: CsvHeader; missingRequired: string[] } {
  const names = values.map((column) => column.trim());
  if (names.length > 0 && names[0]!.charCodeAt(0) === 0xfeff) names[0] = names[0]!.slice(1);
  if (!mapping) return { header: { names, missingOptional: [] }, missingRequired: [] };
  const check = checkHeader(names, mapping);
  return { header: { names, missingOptional: check.missingOptional }, missingRequired: check.missingRequired };
}

/**
 * One data record as named fields, or the reason it cannot be read: not
 * valid CSV, or a column count other than the header's. The file reader and
 * the Kafka consumer both read rows with this, so a CSV replayed through
 * Kafka gives the same events and the same dead letters as the file. Fields
 * have no prototype, so a `__proto__` column is kept.
 */
export function csvRowFields(record: CsvRecord, header: CsvHeader): { fields: Record<string, string> } | { error: string } {
  if ('error' in record) return { error: record.error };
  const { names } = header;
  if (record.values.length !== names.length) return { error: `expected ${names.length} columns (${names.join(',')}), got ${record.values.length}` };
  const fields = Object.create(null) as Record<string, string>;
  for (let i = 0; i < names.length; i++) fields[names[i]!] = record.values[i]!;
  for (const column of header.missingOptional) fields[column] = '';
  return { fields };
}
