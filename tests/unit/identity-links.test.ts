import { describe, expect, it } from 'vitest';
import { identifiersOf, linksOf, type EventLink } from '../../src/events/identity-links.js';

/**
 * Expectations are hand-computed from docs/semantics.md ("People: identity
 * stitching", Links): every pair of an event's identifiers, in the order
 * userId, contactId, email, anonymousId; an alias also links its userId to
 * its previousId as u: and as a:, forced.
 */
type Fields = Parameters<typeof linksOf>[0];
const none: Fields = { anonymousId: '', userId: '', contactId: '', emailHash: '' };
const ids = (fields: Partial<Fields>): Fields => ({ ...none, ...fields });
const pair = (a: string, b: string): EventLink => ({ a, b, forced: false });
const alias = (a: string, b: string): EventLink => ({ a, b, forced: true });

describe('identifiersOf', () => {
  it.each<{ name: string; event: Fields; expected: string[] }>([
    { name: 'none', event: ids({}), expected: [] },
    { name: 'an anonymousId', event: ids({ anonymousId: 'A' }), expected: ['a:A'] },
    {
      name: 'all four, in kind order whatever the field order',
      event: { emailHash: 'h1', anonymousId: 'A', contactId: 'C', userId: 'U' },
      expected: ['u:U', 'c:C', 'e:h1', 'a:A'],
    },
    // A previousId is no identifier of the event itself.
    { name: 'an alias: its userId only', event: ids({ userId: 'U', previousId: 'P' }), expected: ['u:U'] },
  ])('$name', ({ event, expected }) => expect(identifiersOf(event)).toEqual(expected));
});

describe('linksOf', () => {
  it.each<{ name: string; event: Fields; expected: EventLink[] }>([
    { name: 'no identifier: no links', event: ids({}), expected: [] },
    // One identifier (a page view of a device, a CRM event with its contactId only): nothing to link.
    { name: 'a single anonymousId: no links', event: ids({ anonymousId: 'A' }), expected: [] },
    { name: 'a single userId: no links', event: ids({ userId: 'U' }), expected: [] },
    { name: 'a single contactId: no links', event: ids({ contactId: 'C' }), expected: [] },
    { name: 'a single email hash: no links', event: ids({ emailHash: 'h1' }), expected: [] },
    // identify(anonymousId A, userId U): one pair, userId first.
    { name: 'anonymousId and userId', event: ids({ anonymousId: 'A', userId: 'U' }), expected: [pair('u:U', 'a:A')] },
    // A CRM envelope with contactId and userId / email / anonymousId.
    { name: 'contactId and userId', event: ids({ contactId: 'C', userId: 'U' }), expected: [pair('u:U', 'c:C')] },
    { name: 'contactId and email', event: ids({ contactId: 'C', emailHash: 'h1' }), expected: [pair('c:C', 'e:h1')] },
    { name: 'contactId and anonymousId', event: ids({ contactId: 'C', anonymousId: 'A' }), expected: [pair('c:C', 'a:A')] },
    { name: 'email and anonymousId', event: ids({ emailHash: 'h1', anonymousId: 'A' }), expected: [pair('e:h1', 'a:A')] },
    {
      // Three identifiers: 3 pairs (u–c, u–e, c–e).
      name: 'userId, contactId and email: every pair',
      event: ids({ userId: 'U', contactId: 'C', emailHash: 'h1' }),
      expected: [pair('u:U', 'c:C'), pair('u:U', 'e:h1'), pair('c:C', 'e:h1')],
    },
    {
      // Four identifiers: 4·3/2 = 6 pairs, in (i, j > i) order of u, c, e, a.
      name: 'all four identifiers: the six pairs',
      event: ids({ anonymousId: 'A', userId: 'U', contactId: 'C', emailHash: 'h1' }),
      expected: [pair('u:U', 'c:C'), pair('u:U', 'e:h1'), pair('u:U', 'a:A'), pair('c:C', 'e:h1'), pair('c:C', 'a:A'), pair('e:h1', 'a:A')],
    },
    {
      // Equal texts of two kinds are two identifiers: u:42 and a:42 link.
      name: 'the same text as userId and anonymousId',
      event: ids({ anonymousId: '42', userId: '42' }),
      expected: [pair('u:42', 'a:42')],
    },
    {
      // alias(userId U, previousId P): Segment allows P to be an old userId or an anonymousId.
      name: 'an alias: previousId as u: and as a:, forced',
      event: ids({ userId: 'U', previousId: 'P' }),
      expected: [alias('u:U', 'u:P'), alias('u:U', 'a:P')],
    },
    {
      // The alias message's own anonymousId pairs with its userId (not forced) before the alias links.
      name: 'an alias that carries an anonymousId too',
      event: ids({ userId: 'U', anonymousId: 'A', previousId: 'A' }),
      expected: [pair('u:U', 'a:A'), alias('u:U', 'u:A'), alias('u:U', 'a:A')],
    },
    { name: 'an alias without userId: no links', event: ids({ anonymousId: 'A', previousId: 'P' }), expected: [] },
    { name: 'an alias to itself: no links', event: ids({ userId: 'U', previousId: 'U' }), expected: [] },
    { name: 'an empty previousId: no alias links', event: ids({ userId: 'U', previousId: '' }), expected: [] },
    {
      // 256 characters is the longest id the schemas accept: still linked.
      name: 'a previousId of 256 characters links',
      event: ids({ userId: 'U', previousId: 'p'.repeat(256) }),
      expected: [alias('u:U', `u:${'p'.repeat(256)}`), alias('u:U', `a:${'p'.repeat(256)}`)],
    },
    {
      // Nothing validates previousId: one longer than any accepted id links nothing (the event's own pairs stay).
      name: 'an over-long previousId (257) is ignored',
      event: ids({ userId: 'U', anonymousId: 'A', previousId: 'p'.repeat(257) }),
      expected: [pair('u:U', 'a:A')],
    },
  ])('$name', ({ event, expected }) => expect(linksOf(event)).toEqual(expected));
});
