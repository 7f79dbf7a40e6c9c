import { describe } from 'vitest';
import { describeWorkedExampleOrders } from '../helpers/worked-example-orders.js';

/**
 * The worked example of docs/semantics.md ("People") in 20 shuffles, each cut
 * into three pieces (the longest of its orders, so a file and a fork of its
 * own); the other orders are in identity-scenarios-worked-example.test.ts.
 */
describe('identity scenarios: the worked example in three pieces (embedded store)', () => {
  describeWorkedExampleOrders({ inTimeOrder: false, pieces: [3] });
});
