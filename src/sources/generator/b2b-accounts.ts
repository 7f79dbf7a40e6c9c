import { B2B_SEGMENT_CHOICE, randomPerson } from './b2b-profile.js';
import type { B2bAccount } from './b2b-crm.js';
import type { B2bVisitor } from './b2b-site.js';
import { COUNTRIES } from './geo.js';
import { IdSequence } from './id-sequence.js';
import type { Prng } from './prng.js';
import { WeightedChoice } from './weighted-choice.js';

const COUNTRY_CHOICE = new WeightedChoice(COUNTRIES.map((c) => [c, c.weight] as const));

/** Creates CRM accounts with unique, realistic-looking contact and user ids. */
export class AccountFactory {
  private readonly contactIds: IdSequence;
  private readonly userIds: IdSequence;

  constructor(private readonly rng: Prng) {
    this.contactIds = new IdSequence(rng, { prefix: 'c_', maxGap: 20 });
    this.userIds = new IdSequence(rng, { prefix: 'u_', maxGap: 30 });
  }

  newUserId(): string {
    return this.userIds.next();
  }

  private newContactId(): string {
    return this.contactIds.next();
  }

  /** A contact created from a web visitor (form submit, always on their first device): its tracking cookie is linked. */
  fromVisitor(visitor: B2bVisitor, source: B2bAccount['source']): B2bAccount {
    return {
      contact: { contactId: this.newContactId(), email: visitor.person.email, anonymousId: visitor.anonymousId, userId: visitor.userId },
      country: visitor.country,
      segment: visitor.segment,
      dimensions: { ...visitor.dimensions },
      visitor,
      source,
      lifecycle: undefined,
      deal: undefined,
    };
  }

  /**
   * A contact without a visitor in this run: an outbound prospect (never on
   * the site: no anonymousId) or one from before the run (maybe with the
   * cookie of an earlier visit).
   */
  offline(source: B2bAccount['source'], options: { withWebHistory: boolean; withUserId: boolean }): B2bAccount {
    const rng = this.rng;
    const country = COUNTRY_CHOICE.pick(rng);
    const segment = B2B_SEGMENT_CHOICE.pick(rng);
    return {
      contact: {
        contactId: this.newContactId(),
        email: randomPerson(rng).email,
        anonymousId: options.withWebHistory ? rng.uuid() : undefined,
        userId: options.withUserId ? this.newUserId() : undefined,
      },
      country,
      segment,
      dimensions: { device: 'unknown', browser: 'unknown', country: country.code, segment, channel: options.withWebHistory ? 'direct' : 'outbound' },
      visitor: undefined,
      source,
      lifecycle: undefined,
      deal: undefined,
    };
  }
}
