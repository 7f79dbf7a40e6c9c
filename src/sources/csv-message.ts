import type { CsvMapping } from '../journey/csv-mapping.js';
import { CsvRecordSplitter, type CsvRecord } from './csv-records.js';
import { csvHeaderOf, csvRowFields, type CsvHeader } from './csv-row.js';

type Read = { fields: Record<string, string> } | { error: string };

/**
 * Reads CSV rows that come one per message with the header line of their
 * file beside them (Kafka: `journeys produce --input file.csv`), exactly as
 * the file reader reads them: same splitting, same column checks, same
 * reasons. Messages of one file share their header text, so the last parsed
 * header is kept.
 */
export class CsvMessageReader {
  private last: { text: string; header: CsvHeader | { error: string } } | undefined;

  constructor(private readonly options: { delimiter: string; maxRecordBytes: number; mapping: CsvMapping | undefined }) {}

  /** The fields of `row` under the columns of `headerLine`, or why they cannot be read. */
  read(headerLine: string, row: string): Read {
    const header = this.headerOf(headerLine);
    if ('error' in header) return header;
    const records = this.records(row);
    if (records.length !== 1) return { error: records.length === 0 ? 'an empty CSV message' : `a CSV message of ${records.length} records; one row per message expected` };
    return csvRowFields(records[0]!, header);
  }

  private headerOf(text: string): CsvHeader | { error: string } {
    if (this.last?.text !== text) this.last = { text, header: this.parseHeader(text) };
    return this.last.header;
  }

  private parseHeader(text: string): CsvHeader | { error: string } {
    const records = this.records(text);
    const record = records[0];
    if (records.length !== 1 || !record || 'error' in record) {
      return { error: `the CSV header of the message is not one valid CSV line${record && 'error' in record ? `: ${record.error}` : ''}` };
    }
    const { header, missingRequired } = csvHeaderOf(record.values, this.options.mapping);
    if (missingRequired.length > 0) return { error: `the CSV header of the message has no column ${missingRequired.join(', ')}, which the csv mapping requires (header: ${header.names.join(',')})` };
    return header;
  }

  /** The records of a text, its lines split as the file reader splits them (LF, a CR before it dropped). */
  private records(text: string): CsvRecord[] {
    const splitter = new CsvRecordSplitter({ delimiter: this.options.delimiter, maxRecordBytes: this.options.maxRecordBytes });
    const out: CsvRecord[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) splitter.push(lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!, i + 1, out);
    splitter.end(out);
    return out;
  }
}
