import { describe, expect, it } from 'vitest';
import { MinQueue } from '../../src/core/min-queue.js';

describe('MinQueue', () => {
  it('hands out values by priority, equal priorities in insertion order, with pushes and pops interleaved', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const queue = new MinQueue<string>();
    // The model: a list kept sorted by (priority, insertion); few distinct priorities, so ties are common.
    const model: Array<{ priority: number; value: string }> = [];
    for (let step = 0; step < 5_000; step++) {
      if (random() < 0.6) {
        const priority = Math.floor(random() * 50);
        queue.push(priority, `v${step}`);
        const at = model.findIndex((entry) => entry.priority > priority);
        model.splice(at === -1 ? model.length : at, 0, { priority, value: `v${step}` });
      } else {
        const expected = model.shift();
        expect(queue.peekPriority()).toBe(expected?.priority ?? Infinity);
        expect(queue.pop()).toBe(expected?.value);
      }
      expect(queue.size).toBe(model.length);
    }
  });
});
