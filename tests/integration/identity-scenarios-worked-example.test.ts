import { describe } from 'vitest';
import { describeWorkedExampleOrders } from '../helpers/worked-example-orders.js';

/**
 * Identity stitching end to end (docs/semantics.md, "People: identity
 * stitching", "Person journeys"): the worked example in time order and in 20
 * shuffles cut into one or two pieces, through file ingests into the embedded
 * store. The shuffles cut into three pieces are in
 * identity-scenarios-worked-example-three-pieces.test.ts, a fork of their own.
 */
describe('identity scenarios: the worked example, in time order and in one or two pieces (embedded store)', () => {
  describeWorkedExampleOrders({ inTimeOrder: true, pieces: [1, 2] });
});
