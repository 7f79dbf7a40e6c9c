import { describe, expect, it } from 'vitest';
import { SESSION_COLUMNS, sessionRow } from '../../src/stores/rows.js';
import type { SessionRecord } from '../../src/sessions/session-record.js';

describe('session rows', () => {
  it('hold every field in SESSION_COLUMNS order', () => {
    // A distinct value per field, so a swapped or missing column shows.
    const record = Object.fromEntries(
      SESSION_COLUMNS.map((column, i) => [column, column.includes('times') || column.includes('reached') || column.includes('started') ? [i, i + 0.5] : `${column}-${i}`]),
    ) as unknown as SessionRecord;
    expect(sessionRow(record)).toEqual(SESSION_COLUMNS.map((column) => record[column]));
  });

  it('put touchpoint_path right after progress_path, as the migration does', () => {
    expect(SESSION_COLUMNS.indexOf('touchpoint_path')).toBe(SESSION_COLUMNS.indexOf('progress_path') + 1);
  });
});
