import { describe, expect, it } from 'vitest';
import { stableId } from '../../src/core/hash.js';

describe('stableId', () => {
  // Ids already stored (sessions, dead letters, content ids) must keep their
  // values: sha1 over each part followed by NUL, first 20 hex chars.
  it.each([
    [['a:visitor-1', '1793577622996', '12345'], '5f10943d7737530e0b8c'],
    [['é😀', ''], '30fe911cf01fd9048107'],
  ])('%j → %s', (parts, expected) => {
    expect(stableId(...parts)).toBe(expected);
  });

  it('keeps the parts apart: moving text across a boundary changes the id', () => {
    expect(stableId('ab', 'c')).not.toBe(stableId('a', 'bc'));
  });
});
