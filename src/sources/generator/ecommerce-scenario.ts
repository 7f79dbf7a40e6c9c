import { Anomalies } from './anomalies.js';
import { Catalog } from './catalog.js';
import { acquire } from './channels.js';
import { CrmWriter } from './crm-writer.js';
import { CONSUMER_DEVICES } from './devices.js';
import { EcommerceSession, type Shopper } from './ecommerce-session.js';
import { COUNTRIES } from './geo.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { SegmentWriter } from './segment-writer.js';
import { SHOP_CHANNELS, SHOP_ODDS, SHOP_SEGMENT_CHOICE, SHOP_STAGES, SHOP_VOCABULARY } from './shop-profile.js';
import { createSiteVisitor } from './site-visitor.js';
import { ArrivalProcess, SHOPPING_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

const MAX_SESSIONS_PER_SHOPPER = 6;
const SECOND_SESSION_SAME_DAY = 0.08;
const SURVEY_AFTER_PURCHASE = 0.25;

const NPS_SCORES = [10, 10, 10, 9, 9, 9, 9, 8, 8, 8, 7, 7, 6, 5, 4, 3, 2, 0] as const;
const CSAT_SCORES = [5, 5, 5, 5, 4, 4, 4, 3, 2, 1] as const;
const COMMENTS = ['Fast delivery, thanks!', 'Checkout was confusing on my phone', 'Great prices', 'Package arrived damaged', 'Love the product'] as const;

/**
 * The 'ecommerce' scenario: shoppers arrive on the daily traffic curve, each
 * visit is one Segment session through the storefront funnel; some come back
 * later the same day or on later days (same anonymousId, logging in with
 * their userId), and some purchasers answer an NPS/CSAT survey, delivered as
 * a CRM envelope hours later.
 */
export function setupEcommerce(ctx: ScenarioContext): void {
  const { options, rng, scheduler } = ctx;
  const anomalies = new Anomalies(options, SHOP_STAGES);
  const writer = new SegmentWriter(scheduler, rng);
  const crm = new CrmWriter(scheduler, rng);
  const arrivals = new ArrivalProcess({ profile: SHOPPING_TRAFFIC, countries: COUNTRIES, visitorsPerDay: options.visitorsPerDay });
  const catalog = new Catalog(rng, { productCount: 400 });
  // Account and contact numbers grow with gaps, like ids in a live database.
  let accountNumber = 104_000;
  let contactNumber = 730_000;
  const newUserId = (): string => `u_${(accountNumber += rng.int(1, 40))}`;
  const session = new EcommerceSession({ rng, writer, catalog, anomalies, newUserId, productLists: options.productLists });
  const contactIds = new WeakMap<Shopper, string>();

  const survey = (shopper: Shopper, afterMs: number): void => {
    let contactId = contactIds.get(shopper);
    if (contactId === undefined) {
      contactId = `c_${(contactNumber += rng.int(1, 25))}`;
      contactIds.set(shopper, contactId);
    }
    const occurredMs = afterMs + rng.int(HOUR_MS, 2 * DAY_MS);
    const nps = rng.chance(0.6);
    const score = nps ? rng.pick(NPS_SCORES) : rng.pick(CSAT_SCORES);
    const comment = rng.chance(0.3) ? rng.pick(COMMENTS) : undefined;
    crm.write(
      { contactId, email: undefined, anonymousId: shopper.anonymousId, userId: shopper.userId },
      occurredMs,
      { kind: 'survey_answered', survey: { type: nps ? 'nps' : 'csat', score, comment } },
    );
  };

  const visit = (shopper: Shopper, atMs: number, sessionNumber: number): void => {
    const channel = SHOP_CHANNELS[shopper.segment].pick(rng);
    shopper.dimensions.channel = channel;
    const outcome = session.run(shopper, atMs, acquire(channel, SHOP_VOCABULARY, rng));
    if (outcome.purchased && rng.chance(SURVEY_AFTER_PURCHASE)) survey(shopper, outcome.endMs);
    if (sessionNumber >= MAX_SESSIONS_PER_SHOPPER) return;
    let nextMs: number | undefined;
    if (rng.chance(SECOND_SESSION_SAME_DAY)) {
      // Comes back later the same day: well past any 30-minute inactivity gap.
      nextMs = outcome.endMs + rng.int(41 * MINUTE_MS, 5 * HOUR_MS);
    } else if (rng.chance(SHOP_ODDS[shopper.segment].returnLater / sessionNumber)) {
      nextMs = atMs + rng.int(1, 4) * DAY_MS + rng.int(-3 * HOUR_MS, 3 * HOUR_MS);
    }
    if (nextMs !== undefined && nextMs < scheduler.endMs) {
      const at = nextMs;
      scheduler.at(at, () => visit(shopper, at, sessionNumber + 1));
    }
  };

  scheduleArrivals(
    ctx,
    (afterMs) => arrivals.nextArrivalMs(afterMs, rng),
    (atMs) => {
      const segment = SHOP_SEGMENT_CHOICE.pick(rng);
      const country = arrivals.countryAt(atMs, rng);
      const accountUserId = rng.chance(SHOP_ODDS[segment].hasAccount) ? newUserId() : undefined;
      const shopper: Shopper = createSiteVisitor({ rng, country, segment, devices: CONSUMER_DEVICES }, { segment, accountUserId });
      visit(shopper, atMs, 1);
    },
  );
}
