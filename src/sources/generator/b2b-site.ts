import { clampProbability, type Anomalies } from './anomalies.js';
import { B2B_ODDS, B2B_SITE, BLOG_POSTS, PRODUCT_PAGES, type B2bSegment, type Person } from './b2b-profile.js';
import type { Acquisition } from './channels.js';
import { PageTrail } from './page-trail.js';
import type { Prng } from './prng.js';
import type { SegmentWriter } from './segment-writer.js';
import { SessionClock } from './session-clock.js';
import type { ProfiledVisitor } from './site-visitor.js';

/** A visitor from a prospect company. */
export interface B2bVisitor extends ProfiledVisitor {
  segment: B2bSegment;
  person: Person;
  /** True once they became a lead (form submitted): later visits do not convert again. */
  converted: boolean;
  /** True once they subscribed to the blog newsletter (a CRM contact at stage subscriber). */
  subscribed: boolean;
  /**
   * On a lead's second device (their phone, or a laptop for a phone-first
   * visitor): the device they first visited on. Forms are filled in there,
   * so the CRM contact carries that device's cookie; this one only reads and,
   * once they have a trial account, sometimes logs in with its userId.
   */
  firstDevice: B2bVisitor | undefined;
}

/** What a site session led to, for the CRM side. */
export type SiteConversion = { kind: 'demo' | 'signup'; atMs: number } | { kind: 'subscribe'; atMs: number } | undefined;

const HOME = { name: 'Home', path: '/', title: 'Flowdesk – Customer support, simplified' };
/** Probability that a trial user logs in on a visit from their second device. */
const LOGIN_ON_SECOND_DEVICE = 0.5;

/**
 * One B2B site session: a landing page (blog post, home, features or
 * pricing), product pages (interest), and for a few a demo request or a
 * trial signup (Signup Started → Signed Up, where the spike applies), with
 * the identify call that links the tracking cookie to the new contact.
 */
export class B2bSiteSession {
  private readonly clock: SessionClock;

  constructor(
    private readonly deps: { rng: Prng; writer: SegmentWriter; anomalies: Anomalies; newUserId: () => string },
  ) {
    this.clock = new SessionClock(deps.rng);
  }

  run(visitor: B2bVisitor, startMs: number, acquisition: Acquisition): { endMs: number; conversion: SiteConversion } {
    const { rng, writer, anomalies } = this.deps;
    const clock = this.clock;
    const advance = (p: number, stage: string): boolean => rng.chance(clampProbability(p * anomalies.advanceFactor(stage, visitor.dimensions)));
    const trail = new PageTrail(writer, visitor, acquisition, B2B_SITE);
    const productPage = () => trail.open(clock.think(), rng.pick(PRODUCT_PAGES));
    const end = (conversion: SiteConversion) => ({ endMs: clock.t, conversion });
    // A second device fills in no form (see B2bVisitor.firstDevice).
    const first = visitor.firstDevice;
    clock.t = startMs - 5_000;

    // Awareness: paid clicks land on a product page (already interested); others on a blog post or home.
    const landedOnProduct = acquisition.landing === 'listing' || acquisition.landing === 'detail';
    if (landedOnProduct) {
      trail.open(clock.think(), acquisition.landing === 'detail' ? PRODUCT_PAGES[1] : PRODUCT_PAGES[0]);
    } else if (acquisition.landing === 'content' || (acquisition.referrer !== '' && rng.chance(0.5))) {
      const post = rng.pick(BLOG_POSTS);
      const view = trail.open(clock.think(), { name: 'Blog Post', path: `/blog/${post}`, title: post.replace(/-/g, ' ') });
      if (first === undefined && !visitor.converted && !visitor.subscribed && rng.chance(0.02)) {
        writer.track(visitor, view, clock.think(), 'Newsletter Subscribed', { list: 'blog', source: `/blog/${post}` });
        return end({ kind: 'subscribe', atMs: clock.t });
      }
    } else {
      trail.open(clock.think(), HOME);
    }
    if (first?.userId !== undefined && visitor.userId === undefined && rng.chance(LOGIN_ON_SECOND_DEVICE)) {
      const view = trail.open(clock.think(), { name: 'Log In', path: '/login', title: 'Log in' });
      visitor.userId = first.userId;
      writer.identify(visitor, view, clock.soon(), { email: visitor.person.email, company: visitor.person.company, segment: visitor.segment });
      writer.track(visitor, view, clock.soon(), 'Signed In', { method: 'password' });
    }
    // Interest: product pages (features, pricing, integrations, …).
    if (!landedOnProduct) {
      if (!advance(0.45, 'awareness')) return end(undefined);
      productPage();
    }
    while (rng.chance(0.5)) productPage();
    if (rng.chance(0.15)) trail.open(clock.think(), { name: 'Docs', path: '/docs/getting-started', title: 'Getting started' });
    if (visitor.converted || first !== undefined) return end(undefined);

    const odds = B2B_ODDS[visitor.segment];
    if (!advance(odds.intent, 'interest')) return end(undefined);
    if (rng.chance(odds.demoShare)) {
      const view = trail.open(clock.think(), { name: 'Demo', path: '/demo', title: 'Book a demo' });
      const atMs = clock.think();
      const role = rng.pick(['support_lead', 'cx_director', 'it_manager', 'founder']);
      writer.track(visitor, view, atMs, 'Demo Requested', { company_size: visitor.segment, role });
      writer.identify(visitor, view, clock.soon(), { email: visitor.person.email, company: visitor.person.company, segment: visitor.segment });
      return end({ kind: 'demo', atMs });
    }
    const view = trail.open(clock.think(), { name: 'Signup', path: '/signup', title: 'Start your free trial' });
    const startedMs = clock.soon();
    writer.track(visitor, view, startedMs, 'Signup Started', { plan: 'trial' });
    const completes = rng.chance(anomalies.checkoutCompletion(startedMs, clampProbability(0.65 * anomalies.advanceFactor('signup', visitor.dimensions))));
    if (!completes) return end(undefined);
    visitor.userId = this.deps.newUserId();
    const atMs = clock.think();
    writer.track(visitor, view, atMs, 'Signed Up', { plan: 'trial', company_size: visitor.segment });
    writer.identify(visitor, view, clock.soon(), { email: visitor.person.email, company: visitor.person.company, segment: visitor.segment });
    return end({ kind: 'signup', atMs });
  }
}
