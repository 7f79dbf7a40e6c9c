import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../src/sessions/deadline-queue.js';

describe('DeadlineQueue', () => {
  it('hands out keys in deadline order, interleaving pushes and pops', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const queue = new DeadlineQueue();
    const model: Array<[number, string]> = [];
    for (let step = 0; step < 5_000; step++) {
      if (random() < 0.6) {
        const deadline = Math.floor(random() * 1_000);
        queue.push(deadline, `k${step}`);
        model.push([deadline, `k${step}`]);
      } else {
        model.sort((a, b) => a[0] - b[0]);
        const expected = model.shift();
        expect(queue.peekTime()).toBe(expected?.[0] ?? Infinity);
        const key = queue.pop();
        // Equal deadlines may come out in any order; the deadline must match.
        if (expected) {
          const index = model.findIndex(([, k]) => k === key);
          if (key !== expected[1]) {
            expect(model[index]![0]).toBe(expected[0]);
            model[index] = expected;
          }
        } else expect(key).toBeUndefined();
      }
      expect(queue.size).toBe(model.length);
    }
  });
});
