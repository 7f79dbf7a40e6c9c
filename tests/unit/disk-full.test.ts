import { ClickHouseError } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { isDiskFull } from '../../src/stores/disk-full.js';
import { describeServerError, isRetriableServerError } from '../../src/stores/server-errors.js';

describe('a full disk is told apart from passing trouble', () => {
  // Texts as chDB 26.7 gave them: a 20 MB tmpfs filled up, and a table whose free-space threshold was set above the disk's size.
  it.each([
    ['Code: 243. DB::Exception: Cannot reserve 6.85 MiB, not enough space. (NOT_ENOUGH_SPACE)', true],
    [
      "Code: 243. DB::Exception: Could not perform insert. None of the disks in volume 'default' have enough free space to meet the configured threshold. (NOT_ENOUGH_SPACE)",
      true,
    ],
    ['Code: 75. DB::ErrnoException: Cannot write to file /x/data.bin, errno: 28, strerror: No space left on device. (CANNOT_WRITE_TO_FILE_DESCRIPTOR)', true],
    ["ENOSPC: no space left on device, write", true],
    ['Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS)', false],
    ['Code: 2430. DB::Exception: something else', false],
    ['Code: 60. DB::Exception: Unknown table expression identifier (UNKNOWN_TABLE)', false],
  ])('%s → %s', (message, full) => {
    expect(isDiskFull(message)).toBe(full);
  });

  it('a server reporting NOT_ENOUGH_SPACE: not retriable, and the message says what is full', () => {
    const error = new ClickHouseError({ message: 'Cannot reserve 1.00 MiB, not enough space', code: '243', type: 'NOT_ENOUGH_SPACE' });
    expect(isRetriableServerError(error)).toBe(false);
    const described = describeServerError(error, { server: 'http://journeys@ch:8123', username: 'journeys', database: 'journeys', action: 'an insert into events' });
    expect(described.retriable).toBe(false);
    expect(described.message).toBe(
      'ClickHouse at http://journeys@ch:8123 is out of disk space, so an insert into events failed (Cannot reserve 1.00 MiB, not enough space). Free space on the server, then run the command again: what was written is kept.',
    );
  });
});
