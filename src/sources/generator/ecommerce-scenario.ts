import { Anomalies } from './anomalies.js';
import { Catalog } from './catalog.js';
import { acquire } from './channels.js';
import { CrmWriter, type CrmContact } from './crm-writer.js';
import { CONSUMER_DEVICES } from './devices.js';
import { EcommerceSession, type ShopAccount, type Shopper } from './ecommerce-session.js';
import { COUNTRIES } from './geo.js';
import { IdSequence } from './id-sequence.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { SegmentWriter } from './segment-writer.js';
import { ShopFeedback } from './shop-feedback.js';
import { SHOP_CHANNELS, SHOP_ODDS, SHOP_SEGMENT_CHOICE, SHOP_STAGES, SHOP_VOCABULARY } from './shop-profile.js';
import { createOtherDevice, createSiteVisitor } from './site-visitor.js';
import { ArrivalProcess, SHOPPING_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

const MAX_SESSIONS_PER_SHOPPER = 6;
const SECOND_SESSION_SAME_DAY = 0.08;
/** Share of shoppers who shop on a second device too (a phone and a computer). */
const OWNS_OTHER_DEVICE = 0.9;
/** Probability that a visit on a later day, or later the same day, is on the other device than the visit before. */
const OTHER_DEVICE_LATER_DAY = 0.6;
const OTHER_DEVICE_SAME_DAY = 0.3;
/** Purchasers who open the order-shipped email's link 1–3 days later; read on the other device with ORDER_EMAIL_ON_OTHER_DEVICE. */
const ORDER_EMAIL_VISIT = 0.35;
const ORDER_EMAIL_ON_OTHER_DEVICE = 0.7;
/** A device's visits are at least this far apart (past the 30-minute inactivity gap). */
const DEVICE_REVISIT_GAP_MS = 41 * MINUTE_MS;

/** A person: the device they arrived on, their other device once they use it, their account and CRM contact. */
interface ShopPerson {
  first: Shopper;
  other: Shopper | undefined;
  ownsOther: boolean;
  account: ShopAccount;
  contactId: string | undefined;
}

/**
 * The 'ecommerce' scenario: shoppers arrive on the daily traffic curve, each
 * visit is one Segment session through the storefront funnel; some come back
 * later the same day or on later days, often on their other device (browse
 * on the phone, buy on the laptop: each device has its own anonymousId and
 * logs in apart, with the person's one userId). Some shoppers answer a
 * survey about a stage or open a support ticket (ShopFeedback), delivered as
 * CRM envelopes that carry the device's anonymousId and the account's userId.
 */
export function setupEcommerce(ctx: ScenarioContext): void {
  const { options, rng, scheduler } = ctx;
  const anomalies = new Anomalies(options, SHOP_STAGES);
  const writer = new SegmentWriter(scheduler, rng);
  const crm = new CrmWriter(scheduler, rng);
  const arrivals = new ArrivalProcess({ profile: SHOPPING_TRAFFIC, countries: COUNTRIES, visitorsPerDay: options.visitorsPerDay });
  const catalog = new Catalog(rng, { productCount: 400 });
  const userIds = new IdSequence(rng, { prefix: 'u_', maxGap: 40 });
  const contactIds = new IdSequence(rng, { prefix: 'c_', maxGap: 25 });
  const newUserId = (): string => userIds.next();
  const session = new EcommerceSession({ rng, writer, catalog, anomalies, newUserId, productLists: options.productLists });

  const feedback = new ShopFeedback({ rng, crm, anomalies, scheduler });
  /** The CRM contact of a person's answers and tickets on `device` (created at the first one). */
  const contactOf = (person: ShopPerson, device: Shopper): CrmContact => {
    person.contactId ??= contactIds.next();
    return { contactId: person.contactId, email: undefined, anonymousId: device.anonymousId, userId: person.account.userId };
  };

  /** The device of the next visit: for a two-device person, sometimes the other one. */
  const nextDevice = (person: ShopPerson, current: Shopper, otherOdds: number): Shopper => {
    if (!person.ownsOther || !rng.chance(otherOdds)) return current;
    if (current !== person.first) return person.first;
    person.other ??= createOtherDevice(person.first, { rng }, { segment: person.first.segment, account: person.account });
    return person.other;
  };

  /**
   * When each device's last visit ended: a visit planned while another one
   * of the same device is still going (the order email's link opened during
   * a return visit) starts after it instead, as one browser would. Without
   * this, the later-planned visit could send events stamped before a login
   * the earlier one made, carrying its userId.
   */
  const busyUntil = new WeakMap<Shopper, number>();
  const startOf = (device: Shopper, plannedMs: number): number => Math.max(plannedMs, (busyUntil.get(device) ?? -Infinity) + DEVICE_REVISIT_GAP_MS);

  const visit = (person: ShopPerson, device: Shopper, plannedMs: number, sessionNumber: number): void => {
    const atMs = startOf(device, plannedMs);
    const channel = SHOP_CHANNELS[device.segment].pick(rng);
    device.dimensions.channel = channel;
    const outcome = session.run(device, atMs, acquire(channel, SHOP_VOCABULARY, rng));
    busyUntil.set(device, outcome.endMs);
    feedback.afterSession(outcome, device.dimensions, () => contactOf(person, device));
    if (outcome.furthest === 'purchase' && rng.chance(ORDER_EMAIL_VISIT)) {
      const at = outcome.endMs + rng.int(DAY_MS, 3 * DAY_MS);
      if (at < scheduler.endMs) {
        const reader = nextDevice(person, device, ORDER_EMAIL_ON_OTHER_DEVICE);
        scheduler.at(at, () => busyUntil.set(reader, session.checkOrder(reader, startOf(reader, at))));
      }
    }
    if (sessionNumber >= MAX_SESSIONS_PER_SHOPPER) return;
    let nextMs: number | undefined;
    let otherOdds = OTHER_DEVICE_LATER_DAY;
    if (rng.chance(SECOND_SESSION_SAME_DAY)) {
      // Comes back later the same day: well past any 30-minute inactivity gap.
      nextMs = outcome.endMs + rng.int(41 * MINUTE_MS, 5 * HOUR_MS);
      otherOdds = OTHER_DEVICE_SAME_DAY;
    } else if (rng.chance(SHOP_ODDS[device.segment].returnLater / sessionNumber)) {
      nextMs = atMs + rng.int(1, 4) * DAY_MS + rng.int(-3 * HOUR_MS, 3 * HOUR_MS);
    }
    if (nextMs !== undefined && nextMs < scheduler.endMs) {
      const at = nextMs;
      const next = nextDevice(person, device, otherOdds);
      scheduler.at(at, () => visit(person, next, at, sessionNumber + 1));
    }
  };

  scheduleArrivals(
    ctx,
    (afterMs) => arrivals.nextArrivalMs(afterMs, rng),
    (atMs) => {
      const segment = SHOP_SEGMENT_CHOICE.pick(rng);
      const country = arrivals.countryAt(atMs, rng);
      const account: ShopAccount = { userId: rng.chance(SHOP_ODDS[segment].hasAccount) ? newUserId() : undefined };
      const first: Shopper = createSiteVisitor({ rng, country, segment, devices: CONSUMER_DEVICES }, { segment, account });
      const person: ShopPerson = { first, other: undefined, ownsOther: rng.chance(OWNS_OTHER_DEVICE), account, contactId: undefined };
      visit(person, first, atMs, 1);
    },
  );
}
