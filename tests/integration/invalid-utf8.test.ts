import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
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
});
