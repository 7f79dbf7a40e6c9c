import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkCsvHeader, inputBatches, readCsv } from '../../src/sources/file-source.js';
import { InputFormatError } from '../../src/sources/input-errors.js';
import { csvMappingSchema } from '../../src/journey/csv-mapping.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'journeys-csv-reader-'));
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const mapping = csvMappingSchema.parse({
  timestamp: 'event_time',
  event: 'event_type',
  key: 'user_id',
  sourceSessionId: 'user_session',
  numeric: ['product_id', 'category_id', 'price', 'user_id'],
  optional: ['category_id'],
});

async function read(path: string, options: { onWarning?: (m: string) => void } = {}): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const record of readCsv(path, { delimiter: ',', mapping, ...options })) out.push(record);
  return out;
}

const COSMETICS_WITHOUT_CATEGORY = [
  'event_time,event_type,product_id,category_code,brand,price,user_id,user_session',
  '2019-12-01 00:00:00 UTC,view,5866,,runail,2.62,463240011,26dd6e6e-4dac-4778-8d2c-92e149dab885',
].join('\n');

describe('CSV header check', () => {
  it('refuses a file without a required column before its first row, naming the column and the file', async () => {
    const path = file('no-price.csv', 'event_time,event_type,product_id,category_id,user_id,user_session\n2019-10-01 00:00:00 UTC,view,1,2,3,s\n');
    const failure = read(path);
    await expect(failure).rejects.toBeInstanceOf(InputFormatError);
    await expect(failure).rejects.toThrow(`${path}: the CSV header has no column price, which the csv mapping requires`);
    await expect(checkCsvHeader(path, { delimiter: ',', mapping })).rejects.toThrow(/no column price/);
  });

  it('names every missing column, and hints at --format ndjson for a JSON file', async () => {
    const path = file('events.csv', '{"type":"track","event":"x"}\n');
    await expect(read(path)).rejects.toThrow(/events\.csv:1: cannot read the CSV header: not valid CSV: a quote inside unquoted field 1\. The first line looks like JSON: if the file is NDJSON, pass --format ndjson\./);
  });

  it('reads a missing optional column as empty, with one warning for the file (REES46 cosmetics without category_id)', async () => {
    const path = file('cosmetics.csv', COSMETICS_WITHOUT_CATEGORY);
    const warnings: string[] = [];
    const records = await read(path, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([`${path}: the CSV header has no column category_id; it is optional in the csv mapping and read as empty`]);
    expect(records).toHaveLength(1);
    expect(records[0]!.fields).toMatchObject({ category_id: '', user_id: '463240011', price: '2.62' });
    await expect(checkCsvHeader(path, { delimiter: ',', mapping })).resolves.toBeUndefined();
  });

  it('strips a byte-order mark from the first column name', async () => {
    const records = await read(file('bom.csv', `\uFEFF${COSMETICS_WITHOUT_CATEGORY}`), { onWarning: () => {} });
    expect(records[0]!.fields?.['event_time']).toBe('2019-12-01 00:00:00 UTC');
  });
});

describe('CSV rows', () => {
  it('dead-letters rows with bad quotes with their raw text and line, and reads the rest (it aborted the run with CsvError)', async () => {
    const path = file(
      'quotes.csv',
      [
        'event_time,event_type,product_id,category_id,price,user_id,user_session',
        '2019-10-01 00:00:00 UTC,view,1,2,ab"c,7,s',
        '2019-10-01 00:00:01 UTC,view,1,2,"3"x,7,s',
        '2019-10-01 00:00:02 UTC,view,1,2,3,7,"unclosed',
        '2019-10-01 00:00:03 UTC,view,1,2,3,7,s',
        '2019-10-01 00:00:04 UTC,"a ""quoted"" name",1,2,3,7,s',
      ].join('\r\n'),
    );
    const records = await read(path);
    expect(records.map((r) => [r.origin, r.error ?? r.fields?.['event_type']])).toEqual([
      [{ kind: 'file', file: path, line: 2 }, 'not valid CSV: a quote inside unquoted field 5'],
      [{ kind: 'file', file: path, line: 3 }, 'not valid CSV: text after the closing quote of field 5'],
      [{ kind: 'file', file: path, line: 4 }, 'not valid CSV: the quoted field opened on line 4 is not closed properly (line 6: text after the closing quote of field 7)'],
      [{ kind: 'file', file: path, line: 5 }, 'view'],
      [{ kind: 'file', file: path, line: 6 }, 'a "quoted" name'],
    ]);
    expect(records[0]!.raw).toBe('2019-10-01 00:00:00 UTC,view,1,2,ab"c,7,s');
  });

  it('keeps a column named __proto__ as a field (assigning it to a plain object dropped it)', async () => {
    const path = file('proto.csv', 'a,__proto__,constructor\n1,2,3\n');
    const rows: RawRecord[] = [];
    for await (const row of readCsv(path, { delimiter: ',' })) rows.push(row);
    expect(Object.keys(rows[0]!.fields!)).toEqual(['a', '__proto__', 'constructor']);
    expect(rows[0]!.fields!['__proto__']).toBe('2');
    expect(JSON.stringify(rows[0]!.fields)).toBe('{"a":"1","__proto__":"2","constructor":"3"}');
  });

  it('dead-letters a row over the record limit with its head and size', async () => {
    const path = file('long.csv', `a,b\n1,${'x'.repeat(5000)}\n2,y\n`);
    const rows: RawRecord[] = [];
    for await (const row of readCsv(path, { delimiter: ',', maxRecordBytes: 1000 })) rows.push(row);
    expect(rows.map((r) => [r.origin, r.raw.length, r.error])).toEqual([
      [{ kind: 'file', file: path, line: 2 }, 4096, 'line of 5002 bytes is over the 1000-byte record limit (maxRecordBytes); raw keeps its first 4096 bytes'],
      [{ kind: 'file', file: path, line: 3 }, 3, undefined],
    ]);
  });
});

describe('gzip inputs', () => {
  const all = async (path: string, format: 'csv' | 'ndjson') => {
    const out: RawRecord[] = [];
    for await (const batch of inputBatches(path, { format, delimiter: ',', size: 10 })) out.push(...batch);
    return out;
  };

  it('decompresses .csv.gz and .ndjson.gz as they are read (a .csv.gz was read as CSV text without decompressing)', async () => {
    const csv = await all(file('rows.csv.gz', gzipSync('a,b\n1,2\n3,4\n')), 'csv');
    expect(csv.map((r) => [r.fields, r.origin])).toEqual([
      [{ a: '1', b: '2' }, { kind: 'file', file: join(dir, 'rows.csv.gz'), line: 2 }],
      [{ a: '3', b: '4' }, { kind: 'file', file: join(dir, 'rows.csv.gz'), line: 3 }],
    ]);
    const ndjson = await all(file('events.ndjson.gz', gzipSync('{"n":1}\n\n{"n":2}\n')), 'ndjson');
    expect(ndjson.map((r) => [r.raw, r.origin])).toEqual([
      ['{"n":1}', { kind: 'file', file: join(dir, 'events.ndjson.gz'), line: 1 }],
      ['{"n":2}', { kind: 'file', file: join(dir, 'events.ndjson.gz'), line: 3 }],
    ]);
  });

  it('refuses gzip bytes under a name without .gz, and a corrupt .gz, naming the file', async () => {
    const hidden = file('hidden.ndjson', gzipSync('{"n":1}\n'));
    await expect(all(hidden, 'ndjson')).rejects.toThrow(new InputFormatError(`${hidden}: the input is gzip-compressed; name the file *.gz (or pipe it through gunzip)`));
    const truncated = file('cut.csv.gz', gzipSync('a,b\n'.repeat(10_000)).subarray(0, 60));
    await expect(all(truncated, 'csv')).rejects.toThrow(/cut\.csv\.gz: not a readable gzip file \(unexpected end of file\)/);
    const plain = file('plain.csv.gz', 'a,b\n1,2\n');
    await expect(all(plain, 'csv')).rejects.toThrow(/plain\.csv\.gz: not a readable gzip file \(incorrect header check\)/);
  });
});
