import { describe, expect, it } from 'vitest';
import { lagOf, type PartitionOffsets } from '../../src/sources/kafka/consumer-lag.js';

describe('consumer lag of a partition: high-water mark minus the next offset to process', () => {
  const cases: Array<[string, PartitionOffsets, number]> = [
    ['processed up to offset 89 (next 90) of 100', { high: '100', low: '0', processedNext: 90n, committed: '50', fromBeginning: true }, 10],
    ['processed wins over an older commit', { high: '100', low: '0', processedNext: 100n, committed: '40', fromBeginning: true }, 0],
    ['nothing processed yet: the committed offset', { high: '100', low: '0', committed: '40', fromBeginning: true }, 60],
    ['a new group from the beginning: the whole retained log', { high: '100', low: '20', committed: '-1', fromBeginning: true }, 80],
    ['a new group from the end: nothing', { high: '100', low: '20', committed: '-1', fromBeginning: false }, 0],
    ['a commit older than the retained log counts from its start', { high: '100', low: '70', committed: '10', fromBeginning: true }, 30],
    ['a mark read before a batch finished: never negative', { high: '100', low: '0', processedNext: 105n, committed: '-1', fromBeginning: true }, 0],
    ['offsets past 2^53 stay exact', { high: '9007199254741000', low: '0', processedNext: 9007199254740990n, committed: '-1', fromBeginning: true }, 10],
  ];
  it.each(cases)('%s', (_name, offsets, lag) => {
    expect(lagOf(offsets)).toBe(lag);
  });
});
