import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KafkaMessage, Message } from 'kafkajs';
import { readCsv } from '../../src/sources/file-source.js';
import { CsvMessageReader } from '../../src/sources/csv-message.js';
import { messageRecord } from '../../src/sources/kafka/message-record.js';
import { recordMessage } from '../../src/sources/kafka/record-message.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import type { RawRecord } from '../../src/pipeline/compiled-pipeline.js';

const FIXTURE = 'tests/fixtures/rees46-sample.csv';
const mapping = loadDefinition('rees46', { pipelinesDir: 'pipelines' }).definition.csv!;
const csv = new CsvMessageReader({ delimiter: ',', maxRecordBytes: 1_000_000, mapping });
const HEADER_LINE = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';

/** A message as the consumer gets it from the broker: buffers for key, value and headers. */
function received(message: Message, offset: number): KafkaMessage {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  const value = message.value === null || message.value === undefined ? null : Buffer.isBuffer(message.value) ? message.value : Buffer.from(message.value);
  return { key: null, value, headers, offset: String(offset), timestamp: '1000', attributes: 0 } as KafkaMessage;
}

const decoded = (record: RawRecord) => ({ raw: record.raw, fields: record.fields, error: record.error, bytes: record.bytes });

describe('a CSV file replayed through Kafka reads back as the file reader read it', () => {
  it('every row of the REES46 fixture: the same fields, and the same reasons for bad rows', async () => {
    const fromFile: RawRecord[] = [];
    for await (const record of readCsv(FIXTURE, { delimiter: ',', mapping })) fromFile.push(record);
    expect(fromFile.filter((record) => record.error !== undefined).length).toBeGreaterThan(0);
    fromFile.forEach((record, i) => {
      const back = messageRecord(received(recordMessage(record, { key: null, csvHeaderLine: HEADER_LINE }), i), { topic: 't', partition: 0, csv });
      expect(decoded(back)).toEqual(decoded(record));
      expect(back.origin).toEqual({ kind: 'kafka', topic: 't', partition: 0, offset: String(i) });
    });
  });

  it.each([
    { name: 'a quoted field over two lines', row: '2019-10-01 00:00:00 UTC,view,1,2,"a\nb",x,1.5,7,s', fields: { category_code: 'a\nb', user_id: '7' } },
    { name: 'a short row', row: '2019-10-01 00:00:00 UTC,view,1', error: /^expected 9 columns \(event_time,.*\), got 3$/ },
    { name: 'a stray quote', row: 'a,b"c,1,2,3,4,5,6,7', error: /^not valid CSV: a quote inside unquoted field 2$/ },
    { name: 'two rows in one message', row: 'a,b,c,d,e,f,g,h,i\na,b,c,d,e,f,g,h,i', error: /^a CSV message of 2 records/ },
    { name: 'an empty value', row: '', error: /^an empty CSV message$/ },
  ])('$name', ({ row, fields, error }) => {
    const back = messageRecord(received(recordMessage({ raw: row, origin: { kind: 'stdin', line: 1 } }, { key: null, csvHeaderLine: HEADER_LINE }), 0), { topic: 't', partition: 0, csv });
    if (fields) expect(back.fields).toMatchObject(fields);
    if (error) expect(back.error).toMatch(error);
  });

  it('a header without a column the mapping requires, an unknown format, a missing header line', () => {
    const message = (headers: Record<string, string>) => received({ value: 'a,b', headers }, 0);
    const read = (headers: Record<string, string>) => messageRecord(message(headers), { topic: 't', partition: 0, csv }).error;
    expect(read({ 'journeys-format': 'csv', 'journeys-csv-header': 'a,b' })).toMatch(/header of the message has no column event_time, event_type, user_id/);
    expect(read({ 'journeys-format': 'avro' })).toBe('unknown journeys-format "avro" (expected json or csv)');
    expect(read({ 'journeys-format': 'csv' })).toMatch(/without the journeys-csv-header header/);
    expect(read({})).toBeUndefined();
  });
});

describe('bytes that are not valid UTF-8', () => {
  const invalid = Buffer.concat([Buffer.from('{"type":"track","event":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);

  it('are decoded with U+FFFD and kept as they were; valid bytes are not kept', () => {
    const back = messageRecord(received({ value: invalid }, 3), { topic: 't', partition: 0, csv });
    expect(back.raw).toBe('{"type":"track","event":"caf\uFFFD"}');
    expect(Buffer.from(back.bytes!).equals(invalid)).toBe(true);
    expect(messageRecord(received({ value: Buffer.from('{"event":"café"}') }, 4), { topic: 't', partition: 0, csv }).bytes).toBeUndefined();
  });

  it('go out from a file record as its original bytes, not as the replaced text', () => {
    const message = recordMessage({ raw: 'caf\uFFFD', bytes: invalid, origin: { kind: 'file', file: 'a', line: 1 } }, { key: 'k', csvHeaderLine: undefined });
    expect(Buffer.from(message.value as Buffer).equals(invalid)).toBe(true);
    expect(message.headers).toBeUndefined();
  });
});

describe('a header line read from the fixture', () => {
  it('is the one the tests use', () => {
    expect(readFileSync(FIXTURE, 'utf8').split('\n')[0]).toBe(HEADER_LINE);
  });
});
