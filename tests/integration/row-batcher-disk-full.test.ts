import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/store.js';
import { RowBatcher } from '../../src/pipeline/row-batcher.js';
import { deadLetterRow } from '../../src/stores/rows.js';
import type { Store } from '../../src/stores/store.js';

let store: Store;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ store, cleanup } = await openTestStore()));
afterAll(async () => cleanup?.());

const letter = (line: number) =>
  deadLetterRow('disk', { origin: { kind: 'file', file: 'x.ndjson', line }, raw: `bad ${line}`, step: 'decode-json', reason: 'not JSON', issues: [], receivedAtMs: Date.UTC(2026, 10, 2) });

describe('writes to a store whose disk is full', () => {
  it('fail at once with the disk named, and a task queued after the failed insert leaves no unhandled rejection', async () => {
    // A real NOT_ENOUGH_SPACE: the table asks for more free space than any disk has.
    await store.command('ALTER TABLE dead_letters MODIFY SETTING min_free_disk_bytes_to_perform_insert = 1000000000000000000');
    const batcher = new RowBatcher(store);
    batcher.addRows('dead_letters', [letter(1)]);
    const started = Date.now();
    await batcher.ship();
    const task = batcher.afterQueuedWrites(async () => 'ran');
    await expect(task).rejects.toThrow(/the disk holding the embedded store .* is full: an insert into dead_letters could not be written/);
    // Long enough for an unhandled rejection to be reported (vitest fails the file on one).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(batcher.flush()).rejects.toMatchObject({ name: 'StoreError', retriable: false });
    expect(Date.now() - started).toBeLessThan(5_000);

    // Space is back: the store reads and takes writes again (a run that failed stops; the next one writes).
    await store.command('ALTER TABLE dead_letters RESET SETTING min_free_disk_bytes_to_perform_insert');
    const next = new RowBatcher(store);
    next.addRows('dead_letters', [letter(2)]);
    await next.flush();
    expect(await store.query("SELECT origin FROM dead_letters FINAL WHERE pipeline = 'disk'")).toEqual([{ origin: 'x.ndjson:2' }]);
  });
});
