import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { ingestFiles } from '../../src/pipeline/ingest-files.js';
import { loadDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline } from '../../src/pipeline/compiled-pipeline.js';
import { JourneyProcessor } from '../../src/pipeline/processor.js';
import type { Store } from '../../src/stores/store.js';

const definition = loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition;
/** `{"type":"track","event":"Caf<0xE9>"…`: Latin-1 é, not UTF-8. */
const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('records whose bytes are not valid UTF-8', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ store, cleanup } = await openTestStore()));
  afterAll(async () => cleanup());

  const deadLetters = (pipeline: string) =>
    store.query<{ origin: string; raw: string; raw_base64: string }>('SELECT origin, raw, raw_base64 FROM dead_letters FINAL WHERE pipeline = {p:String} ORDER BY origin', { p: pipeline });

  it('a dead letter keeps the original bytes (raw_base64) beside the replaced text; valid ones leave it empty', async () => {
    const pipeline = compilePipeline({ ...definition, name: 'utf8_rows' });
    const bytes = latin1('{"type":"track","event":"Café"');
    const processor = await JourneyProcessor.start({ pipeline, store, stream: 'files' });
    await processor.process([
      { raw: bytes.toString('utf8'), bytes, origin: { kind: 'file', file: 'a.ndjson', line: 1 } },
      { raw: 'not json', origin: { kind: 'file', file: 'a.ndjson', line: 2 } },
    ]);
    await processor.finish();
    const rows = await deadLetters(pipeline.name);
    expect(rows.map((r) => [r.origin, r.raw, r.raw_base64])).toEqual([
      ['a.ndjson:1', '{"type":"track","event":"Caf\uFFFD"', bytes.toString('base64')],
      ['a.ndjson:2', 'not json', ''],
    ]);
    expect(Buffer.from(rows[0]!.raw_base64, 'base64').equals(bytes)).toBe(true);
  });

  it('files: a valid event with such bytes is accepted (U+FFFD in its fields), an invalid record keeps them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-utf8-'));
    const ndjson = join(dir, 'events.ndjson');
    const event = latin1('{"type":"track","event":"Product Viewed","messageId":"m1","anonymousId":"a1","timestamp":"2026-11-02T10:00:00Z","properties":{"name":"Café"}}');
    const broken = latin1('{"type":"track","event":"Café"');
    writeFileSync(ndjson, Buffer.concat([event, Buffer.from('\n'), broken, Buffer.from('\n')]));
    const csvFile = join(dir, 'rees46.csv');
    const header = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n';
    const row = latin1('2026-11-02 10:00:00 UTC,view,1,2,caf\u00e9,brand,1.5,7,s\n');
    const badRow = latin1('2026-11-02 10:00:00 UTC,view,1,2,caf\u00e9,brand,1.5O,7,s\n');
    writeFileSync(csvFile, Buffer.concat([Buffer.from(header), row, badRow]));

    const json = compilePipeline({ ...definition, name: 'utf8_files' });
    expect(await ingestFiles(store, json, [ndjson])).toMatchObject({ valid: 1, dead_lettered: 1 });
    const [stored] = await store.query<{ properties: string }>('SELECT properties FROM events FINAL WHERE pipeline = {p:String}', { p: json.name });
    expect(JSON.parse(stored!.properties)).toEqual({ name: 'Caf\uFFFD' });
    expect((await deadLetters(json.name)).map((r) => Buffer.from(r.raw_base64, 'base64').equals(broken))).toEqual([true]);

    const csv = compilePipeline({ ...loadDefinition('rees46', { pipelinesDir: 'pipelines' }).definition, name: 'utf8_csv' });
    expect(await ingestFiles(store, csv, [csvFile])).toMatchObject({ valid: 1, dead_lettered: 1 });
    const [letter] = await deadLetters(csv.name);
    expect(letter!.raw).toBe('2026-11-02 10:00:00 UTC,view,1,2,caf\uFFFD,brand,1.5O,7,s');
    expect(Buffer.from(letter!.raw_base64, 'base64').equals(badRow.subarray(0, badRow.length - 1))).toBe(true);
  });
});
