import type { Anomalies, VisitorDimensions } from './anomalies.js';
import type { CrmContact, CrmDetail, CrmWriter } from './crm-writer.js';
import type { EventScheduler } from './event-scheduler.js';
import type { SessionOutcome } from './ecommerce-session.js';
import type { Prng } from './prng.js';
import type { ShopStage } from './shop-profile.js';
import { surveyComment, surveyScore } from './survey-scores.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

/**
 * A survey programme: who is asked (sessions whose furthest stage is
 * `endedAt`, or purchasers), the share who answer, the stage the answer
 * names (docs/events.md, `survey.stage`), the mood behind the scores and how
 * long after the session the answer comes.
 */
interface SurveyProgramme {
  stage: ShopStage;
  touchpoint?: string;
  answerOdds: number;
  npsShare: number;
  mood: number;
  delayMs: readonly [number, number];
  comments: { low: readonly string[]; mid: readonly string[]; high: readonly string[] };
}

/**
 * On-site exit polls for sessions that ended at a stage without buying (a
 * Hotjar- or Qualtrics-style intercept): CSAT only. An NPS promoter is the
 * ecommerce pipeline's advocacy stage, which in reached mode counts as having
 * bought: asking browsers for NPS would make them buyers.
 */
const EXIT_POLLS: Partial<Record<ShopStage, SurveyProgramme>> = {
  interest: {
    stage: 'interest', answerOdds: 0.012, npsShare: 0, mood: 0.72, delayMs: [5_000, 60_000],
    comments: { low: ['Search results were not relevant', 'Could not find my size'], mid: ['Just browsing for now'], high: ['Nice selection'] },
  },
  consideration: {
    stage: 'consideration', answerOdds: 0.015, npsShare: 0, mood: 0.7, delayMs: [5_000, 60_000],
    comments: { low: ['Prices are higher than elsewhere', 'Not enough product photos'], mid: ['Will compare a bit more'], high: ['Found what I wanted, buying later'] },
  },
  cart: {
    stage: 'cart', answerOdds: 0.03, npsShare: 0, mood: 0.64, delayMs: [5_000, 60_000],
    comments: { low: ['Shipping cost is too high', 'Delivery takes too long'], mid: ['Saving my cart for later'], high: ['Will come back on payday'] },
  },
  checkout: {
    stage: 'checkout', touchpoint: '/checkout', answerOdds: 0.08, npsShare: 0, mood: 0.5, delayMs: [5_000, 90_000],
    comments: { low: ['Card was declined twice', 'Too many form fields', 'No PayPal option at first'], mid: ['Wanted to check the total with shipping'], high: ['Got interrupted, will finish later'] },
  },
};

/** "How easy was checkout?", asked on the confirmation page. */
const CHECKOUT_EASE: SurveyProgramme = {
  stage: 'checkout', touchpoint: '/checkout', answerOdds: 0.1, npsShare: 0, mood: 0.82, delayMs: [5_000, 3 * MINUTE_MS],
  comments: { low: ['Checkout was confusing', 'Address form kept resetting'], mid: ['Fine, a bit slow'], high: ['Quick and easy', 'Apple Pay made it painless'] },
};

/** The post-delivery email survey: NPS or a delivery CSAT, hours to two days after the order. */
const AFTER_DELIVERY: SurveyProgramme = {
  stage: 'purchase', answerOdds: 0.25, npsShare: 0.6, mood: 0.8, delayMs: [HOUR_MS, 2 * DAY_MS],
  comments: { low: ['Package arrived damaged', 'Delivery was late'], mid: ['OK, nothing special'], high: ['Fast delivery, thanks!', 'Great prices', 'Love the product'] },
};

/** The mood of an answer about a stage where the run's planted bottleneck hits this shopper. */
const BOTTLENECK_MOOD_DROP = 0.35;
const BOTTLENECK_COMMENTS: Partial<Record<ShopStage, readonly string[]>> = {
  checkout: ['Checkout kept freezing', 'Could not tap the Pay button', 'Payment page reloaded and emptied my cart'],
};
const BOTTLENECK_COMMENTS_ELSEWHERE = ['The page kept freezing', 'Could not get past this step', 'Something broke and I gave up'] as const;
const BOTTLENECK_TICKETS: Partial<Record<ShopStage, string>> = { checkout: 'Checkout does not work' };

/** Support tickets: the share of sessions ending at a stage that open one, when (after the session) and about what. */
const TICKETS: Partial<Record<ShopStage, { odds: number; delayMs: readonly [number, number]; subjects: readonly string[] }>> = {
  cart: { odds: 0.004, delayMs: [10 * MINUTE_MS, DAY_MS], subjects: ['Promo code not accepted', 'Is this item in stock?'] },
  checkout: { odds: 0.02, delayMs: [5 * MINUTE_MS, 6 * HOUR_MS], subjects: ['Payment failed at checkout', 'Charged but no order confirmation', 'Cannot change delivery address'] },
  purchase: { odds: 0.05, delayMs: [DAY_MS, 4 * DAY_MS], subjects: ['Where is my order?', 'Return request', 'Package arrived damaged', 'Wrong size delivered'] },
};
/** A shopper the bottleneck hits at a stage opens tickets this many times as often there. */
const BOTTLENECK_TICKET_FACTOR = 3;

/**
 * The shop's voice of the customer: exit polls, the checkout-ease question,
 * the post-delivery survey and support tickets, each delivered as a CRM
 * envelope carrying the session's device (anonymousId) and the account's
 * userId. Answers name their stage; where the run plants a bottleneck, the
 * shoppers it hits answer worse and write in more.
 */
export class ShopFeedback {
  private ticketNumber = 52_000;

  constructor(private readonly deps: { rng: Prng; crm: CrmWriter; anomalies: Anomalies; scheduler: EventScheduler }) {}

  /** Writes at `atMs` (if inside the run), so the contact is as the CRM knows it then (an account made in between included). */
  private sendAt(atMs: number, contact: () => CrmContact, detail: CrmDetail): void {
    if (atMs < this.deps.scheduler.endMs) this.deps.scheduler.at(atMs, () => this.deps.crm.write(contact(), atMs, detail));
  }

  /** What one session's shopper says about it, if anything (`contact` is asked for when something is sent). */
  afterSession(outcome: SessionOutcome, dimensions: VisitorDimensions, contact: () => CrmContact): void {
    const purchased = outcome.furthest === 'purchase';
    const exitPoll = purchased ? undefined : EXIT_POLLS[outcome.furthest];
    if (exitPoll) this.maybeAnswer(exitPoll, outcome.endMs, dimensions, contact);
    if (purchased) {
      this.maybeAnswer(CHECKOUT_EASE, outcome.endMs, dimensions, contact);
      this.maybeAnswer(AFTER_DELIVERY, outcome.endMs, dimensions, contact);
    }
    this.maybeTicket(outcome.furthest, outcome.endMs, dimensions, contact);
  }

  private maybeAnswer(programme: SurveyProgramme, endMs: number, dimensions: VisitorDimensions, contact: () => CrmContact): void {
    const { rng } = this.deps;
    const hit = this.deps.anomalies.hits(programme.stage, dimensions);
    // Unhappy shoppers answer intercepts more often than content ones.
    if (!rng.chance(programme.answerOdds * (hit ? 1.5 : 1))) return;
    const type: 'nps' | 'csat' = rng.chance(programme.npsShare) ? 'nps' : 'csat';
    const score = surveyScore(rng, type, programme.mood - (hit ? BOTTLENECK_MOOD_DROP : 0));
    const comment =
      hit && rng.chance(0.4)
        ? rng.pick(BOTTLENECK_COMMENTS[programme.stage] ?? BOTTLENECK_COMMENTS_ELSEWHERE)
        : surveyComment(rng, type, score, programme.comments);
    const atMs = endMs + rng.int(programme.delayMs[0], programme.delayMs[1]);
    const survey = { type, score, comment, stage: programme.stage, touchpoint: programme.touchpoint };
    this.sendAt(atMs, contact, { kind: 'survey_answered', survey });
  }

  private maybeTicket(stage: ShopStage, endMs: number, dimensions: VisitorDimensions, contact: () => CrmContact): void {
    const { rng } = this.deps;
    const tickets = TICKETS[stage];
    if (!tickets) return;
    const hit = this.deps.anomalies.hits(stage, dimensions);
    if (!rng.chance(tickets.odds * (hit ? BOTTLENECK_TICKET_FACTOR : 1))) return;
    const subject = hit && rng.chance(0.5) ? (BOTTLENECK_TICKETS[stage] ?? 'Your site does not work') : rng.pick(tickets.subjects);
    const ticket = { ticketId: `t_${this.ticketNumber++}`, subject, priority: hit ? ('high' as const) : ('normal' as const) };
    this.sendAt(endMs + rng.int(tickets.delayMs[0], tickets.delayMs[1]), contact, { kind: 'ticket_opened', ticket });
  }
}
