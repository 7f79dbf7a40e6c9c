import { Anomalies } from './anomalies.js';
import { AccountFactory } from './b2b-accounts.js';
import { B2bPipeline, type B2bAccount } from './b2b-crm.js';
import { CustomerBase } from './b2b-customer-base.js';
import { B2bFeedback } from './b2b-feedback.js';
import { B2B_APP, B2B_CHANNELS, B2B_SEGMENT_CHOICE, B2B_STAGES, B2B_VOCABULARY, randomPerson } from './b2b-profile.js';
import { startProspecting } from './b2b-prospecting.js';
import { B2bSiteSession, type B2bVisitor } from './b2b-site.js';
import { acquire } from './channels.js';
import { CrmWriter } from './crm-writer.js';
import { BUSINESS_DEVICES } from './devices.js';
import { COUNTRIES } from './geo.js';
import { PageTrail } from './page-trail.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { SegmentWriter } from './segment-writer.js';
import { createOtherDevice, createSiteVisitor } from './site-visitor.js';
import { ArrivalProcess, BUSINESS_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

const MAX_SESSIONS = 8;
const RETURN_LATER = 0.4;
const SECOND_SESSION_SAME_DAY = 0.1;
/** Rough share of site visitors who become leads; sizes the backlog and prospecting. */
const LEADS_PER_VISITOR = 0.025;
const CUSTOMERS_PER_DAILY_VISITOR = 0.3;
/** Share of visitors who also read the site on a second device (work laptop and phone); a later visit is on the other one with OTHER_DEVICE_VISIT. */
const OWNS_SECOND_DEVICE = 0.5;
const OTHER_DEVICE_VISIT = 0.5;

/** A visitor's devices: the first (where forms are filled in) and the second once used. */
interface B2bPerson {
  first: B2bVisitor;
  second: B2bVisitor | undefined;
  ownsSecond: boolean;
}

/**
 * The 'b2b-saas' scenario: prospect companies' visitors research the site
 * over several visits (Segment), a few request a demo or start a trial and
 * become CRM leads carrying their tracking cookie (anonymousId); the CRM
 * pipeline then moves them through lifecycle and deal stages over days and
 * weeks, while the existing customer base opens tickets, answers surveys
 * and renews, and SDRs prospect contacts who never visited the site. Some
 * visitors read the site on a second device too (work laptop and phone):
 * forms are filled in on the first, whose cookie the contact carries, with
 * the userId once they signed up; trial users sometimes log in on the second.
 */
export function setupB2bSaas(ctx: ScenarioContext): void {
  const { options, rng, scheduler } = ctx;
  const anomalies = new Anomalies(options, B2B_STAGES);
  const writer = new SegmentWriter(scheduler, rng);
  const crm = new CrmWriter(scheduler, rng);
  const accounts = new AccountFactory(rng);
  const site = new B2bSiteSession({ rng, writer, anomalies, newUserId: () => accounts.newUserId() });
  const feedback = new B2bFeedback({ rng, crm, anomalies });
  const customers = new CustomerBase({ ctx, crm, accounts, feedback });
  const accountOf = new WeakMap<B2bVisitor, B2bAccount>();

  const onOnboarded = (account: B2bAccount, atMs: number): void => {
    const visitor = account.visitor;
    if (visitor?.userId === undefined) {
      crm.write(account.contact, atMs, { kind: 'activity', activity: { channel: 'meeting', direction: 'outbound', subject: 'Onboarding completed' } });
      return;
    }
    // Completed in the app: the in-app Segment call carries the user's cookie and userId.
    const trail = new PageTrail(writer, visitor, { channel: 'direct', referrer: '', campaign: undefined, search: '', landing: 'home' }, B2B_APP);
    const pageMs = atMs + rng.int(0, 8 * HOUR_MS);
    const view = trail.open(pageMs, { name: 'Onboarding', path: '/onboarding/checklist', title: 'Onboarding' });
    writer.track(visitor, view, pageMs + rng.int(30_000, 20 * MINUTE_MS), 'Onboarding Completed', { steps_completed: 6 });
  };
  const pipeline = new B2bPipeline({ rng, crm, scheduler, anomalies, feedback, onOnboarded, onCustomer: (account) => customers.add(account) });

  /** The device of the next visit: for a two-device person, sometimes the other one. */
  const nextDevice = (person: B2bPerson, current: B2bVisitor): B2bVisitor => {
    if (!person.ownsSecond || !rng.chance(OTHER_DEVICE_VISIT)) return current;
    if (current !== person.first) return person.first;
    const { segment, person: who } = person.first;
    person.second ??= createOtherDevice(person.first, { rng }, { segment, person: who, converted: false, subscribed: false, firstDevice: person.first });
    return person.second;
  };

  const visit = (person: B2bPerson, visitor: B2bVisitor, atMs: number, sessionNumber: number): void => {
    const channel = B2B_CHANNELS.pick(rng);
    visitor.dimensions.channel = channel;
    const { endMs, conversion } = site.run(visitor, atMs, acquire(channel, B2B_VOCABULARY, rng));
    if (conversion?.kind === 'subscribe') {
      visitor.subscribed = true;
      const account = accounts.fromVisitor(visitor, 'demo');
      accountOf.set(visitor, account);
      account.lifecycle = 'subscriber';
      crm.write(account.contact, conversion.atMs + rng.int(MINUTE_MS, 10 * MINUTE_MS), { kind: 'lifecycle_stage_changed', lifecycle: { to: 'subscriber' } });
    } else if (conversion) {
      visitor.converted = true;
      const known = accountOf.get(visitor);
      const account = known ?? accounts.fromVisitor(visitor, conversion.kind);
      account.source = conversion.kind;
      account.contact.userId = visitor.userId;
      account.dimensions.channel = channel;
      pipeline.lead(account, conversion.atMs);
    }
    if (sessionNumber >= MAX_SESSIONS) return;
    let nextMs: number | undefined;
    if (rng.chance(SECOND_SESSION_SAME_DAY)) nextMs = endMs + rng.int(41 * MINUTE_MS, 6 * HOUR_MS);
    else if (rng.chance(RETURN_LATER / Math.sqrt(sessionNumber))) nextMs = atMs + rng.int(1, 6) * DAY_MS + rng.int(-4 * HOUR_MS, 4 * HOUR_MS);
    if (nextMs !== undefined && nextMs < scheduler.endMs) {
      const at = nextMs;
      const next = nextDevice(person, visitor);
      scheduler.at(at, () => visit(person, next, at, sessionNumber + 1));
    }
  };

  const arrivals = new ArrivalProcess({ profile: BUSINESS_TRAFFIC, countries: COUNTRIES, visitorsPerDay: options.visitorsPerDay });
  scheduleArrivals(
    ctx,
    (afterMs) => arrivals.nextArrivalMs(afterMs, rng),
    (atMs) => {
      const segment = B2B_SEGMENT_CHOICE.pick(rng);
      const country = arrivals.countryAt(atMs, rng);
      const extra = { segment, person: randomPerson(rng), converted: false, subscribed: false, firstDevice: undefined };
      const first: B2bVisitor = createSiteVisitor({ rng, country, segment, devices: BUSINESS_DEVICES }, extra);
      visit({ first, second: undefined, ownsSecond: rng.chance(OWNS_SECOND_DEVICE) }, first, atMs, 1);
    },
  );
  const expectedLeadsPerDay = options.visitorsPerDay * LEADS_PER_VISITOR;
  customers.start(Math.min(50_000, Math.round(options.visitorsPerDay * CUSTOMERS_PER_DAILY_VISITOR)));
  startProspecting({ ctx, crm, accounts, pipeline, expectedLeadsPerDay });
}
