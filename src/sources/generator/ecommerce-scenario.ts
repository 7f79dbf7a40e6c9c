import { Anomalies } from './anomalies.js';
import { Catalog } from './catalog.js';
import { acquire } from './channels.js';
import { CrmWriter } from './crm-writer.js';
import { CONSUMER_DEVICES } from './devices.js';
import { EcommerceSession, type ShopAccount, type Shopper } from './ecommerce-session.js';
import { COUNTRIES } from './geo.js';
import { IdSequence } from './id-sequence.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { SegmentWriter } from './segment-writer.js';
import { SHOP_CHANNELS, SHOP_ODDS, SHOP_SEGMENT_CHOICE, SHOP_STAGES, SHOP_VOCABULARY } from './shop-profile.js';
import { createOtherDevice, createSiteVisitor } from './site-visitor.js';
import { ArrivalProcess, SHOPPING_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

const MAX_SESSIONS_PER_SHOPPER = 6;
const SECOND_SESSION_SAME_DAY = 0.08;
const SURVEY_AFTER_PURCHASE = 0.25;
/** Share of shoppers who shop on a second device too (a phone and a computer). */
const OWNS_OTHER_DEVICE = 0.9;
/** Probability that a visit on a later day, or later the same day, is on the other device than the visit before. */
const OTHER_DEVICE_LATER_DAY = 0.6;
const OTHER_DEVICE_SAME_DAY = 0.3;
/** Purchasers who open the order-shipped email's link 1–3 days later; read on the other device with ORDER_EMAIL_ON_OTHER_DEVICE. */
const ORDER_EMAIL_VISIT = 0.35;
const ORDER_EMAIL_ON_OTHER_DEVICE = 0.7;

const NPS_SCORES = [10, 10, 10, 9, 9, 9, 9, 8, 8, 8, 7, 7, 6, 5, 4, 3, 2, 0] as const;
const CSAT_SCORES = [5, 5, 5, 5, 4, 4, 4, 3, 2, 1] as const;
const COMMENTS = ['Fast delivery, thanks!', 'Checkout was confusing on my phone', 'Great prices', 'Package arrived damaged', 'Love the product'] as const;

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
 * logs in apart, with the person's one userId), and some purchasers answer
 * an NPS/CSAT survey, delivered as a CRM envelope hours later that carries
 * the buying device's anonymousId and the account's userId.
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

  const survey = (person: ShopPerson, device: Shopper, afterMs: number): void => {
    person.contactId ??= contactIds.next();
    const occurredMs = afterMs + rng.int(HOUR_MS, 2 * DAY_MS);
    const nps = rng.chance(0.6);
    const score = nps ? rng.pick(NPS_SCORES) : rng.pick(CSAT_SCORES);
    const comment = rng.chance(0.3) ? rng.pick(COMMENTS) : undefined;
    crm.write(
      { contactId: person.contactId, email: undefined, anonymousId: device.anonymousId, userId: person.account.userId },
      occurredMs,
      { kind: 'survey_answered', survey: { type: nps ? 'nps' : 'csat', score, comment } },
    );
  };

  /** The device of the next visit: for a two-device person, sometimes the other one. */
  const nextDevice = (person: ShopPerson, current: Shopper, otherOdds: number): Shopper => {
    if (!person.ownsOther || !rng.chance(otherOdds)) return current;
    if (current !== person.first) return person.first;
    person.other ??= createOtherDevice(person.first, { rng }, { segment: person.first.segment, account: person.account });
    return person.other;
  };

  const visit = (person: ShopPerson, device: Shopper, atMs: number, sessionNumber: number): void => {
    const channel = SHOP_CHANNELS[device.segment].pick(rng);
    device.dimensions.channel = channel;
    const outcome = session.run(device, atMs, acquire(channel, SHOP_VOCABULARY, rng));
    if (outcome.purchased && rng.chance(SURVEY_AFTER_PURCHASE)) survey(person, device, outcome.endMs);
    if (outcome.purchased && rng.chance(ORDER_EMAIL_VISIT)) {
      const at = outcome.endMs + rng.int(DAY_MS, 3 * DAY_MS);
      if (at < scheduler.endMs) {
        const reader = nextDevice(person, device, ORDER_EMAIL_ON_OTHER_DEVICE);
        scheduler.at(at, () => session.checkOrder(reader, at));
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
