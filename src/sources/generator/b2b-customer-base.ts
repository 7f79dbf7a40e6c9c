import type { AccountFactory } from './b2b-accounts.js';
import { B2B_ODDS, businessTime, dealCurrency } from './b2b-profile.js';
import type { B2bAccount } from './b2b-crm.js';
import type { B2bFeedback } from './b2b-feedback.js';
import type { CrmWriter } from './crm-writer.js';
import { COUNTRIES } from './geo.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { ArrivalProcess, BUSINESS_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

/** Per customer and day: support tickets, NPS answers, inbound questions; renewals once a year. */
const TICKETS_PER_CUSTOMER_DAY = 0.03;
const NPS_PER_CUSTOMER_DAY = 0.012;
const QUESTIONS_PER_CUSTOMER_DAY = 0.02;
const RENEWALS_PER_CUSTOMER_DAY = 1 / 365;
const MAX_CUSTOMERS = 50_000;

const TICKET_SUBJECTS = ['Cannot log in', 'Email channel not syncing', 'Invoice question', 'Add more seats', 'SLA report is empty', 'SSO setup'] as const;
const NPS_SCORES = [10, 10, 9, 9, 9, 8, 8, 8, 7, 7, 6, 5, 3, 0] as const;

/**
 * The customer base: existing customers (from before the run) plus those won
 * during it. Support tickets (with a CSAT after some, B2bFeedback), NPS answers, inbound questions and
 * renewals (pipeline 'renewals') arrive as Poisson processes on business
 * hours, each picking a random customer: memory is the base, not the run.
 */
export class CustomerBase {
  private readonly customers: B2bAccount[] = [];
  private ticketNumber = 31_000;
  private renewalNumber = 900;

  constructor(private readonly deps: { ctx: ScenarioContext; crm: CrmWriter; accounts: AccountFactory; feedback: B2bFeedback }) {}

  add(account: B2bAccount): void {
    if (this.customers.length < MAX_CUSTOMERS) this.customers.push(account);
  }

  /** Seeds `initialCustomers` existing customers and starts the processes. */
  start(initialCustomers: number): void {
    const { rng } = this.deps.ctx;
    for (let i = 0; i < initialCustomers; i++) {
      const account = this.deps.accounts.offline('backlog', { withWebHistory: rng.chance(0.6), withUserId: true });
      account.lifecycle = rng.chance(0.08) ? 'evangelist' : 'customer';
      this.add(account);
    }
    const base = Math.max(1, initialCustomers);
    this.process(base * TICKETS_PER_CUSTOMER_DAY, (c, t) => this.ticket(c, t));
    this.process(base * NPS_PER_CUSTOMER_DAY, (c, t) => this.nps(c, t));
    this.process(base * QUESTIONS_PER_CUSTOMER_DAY, (c, t) => {
      const channel = rng.chance(0.6) ? 'chat' : 'email';
      this.deps.crm.write(c.contact, t, { kind: 'activity', activity: { channel, direction: 'inbound', subject: 'How do I set up routing rules?' } });
    });
    this.process(base * RENEWALS_PER_CUSTOMER_DAY, (c, t) => this.renewal(c, t));
  }

  private process(perDay: number, onEvent: (customer: B2bAccount, atMs: number) => void): void {
    const { ctx } = this.deps;
    const arrivals = new ArrivalProcess({ profile: BUSINESS_TRAFFIC, countries: COUNTRIES, visitorsPerDay: perDay });
    scheduleArrivals(ctx, (after) => arrivals.nextArrivalMs(after, ctx.rng), (atMs) => {
      if (this.customers.length > 0) onEvent(ctx.rng.pick(this.customers), atMs);
    });
  }

  private ticket(customer: B2bAccount, t: number): void {
    const { rng, scheduler } = this.deps.ctx;
    const ticket = {
      ticketId: `t_${this.ticketNumber++}`,
      subject: rng.pick(TICKET_SUBJECTS),
      priority: rng.pick(['low', 'normal', 'normal', 'normal', 'high'] as const),
    };
    this.deps.crm.write(customer.contact, t, { kind: 'ticket_opened', ticket });
    if (!rng.chance(0.92)) return;
    const solvedMs = businessTime(t + rng.int(30 * MINUTE_MS, 3 * DAY_MS), customer.country, rng);
    if (solvedMs >= scheduler.endMs) return;
    scheduler.at(solvedMs, () => {
      this.deps.crm.write(customer.contact, solvedMs, { kind: 'ticket_solved', ticket });
      this.deps.feedback.afterTicketSolved(customer, solvedMs);
    });
  }

  private nps(customer: B2bAccount, t: number): void {
    const rng = this.deps.ctx.rng;
    const score = rng.pick(NPS_SCORES);
    const comment = rng.chance(0.25) ? rng.pick(['Great support team', 'Reporting is too limited', 'Easy to set up', 'Pricey for what it does']) : undefined;
    this.deps.crm.write(customer.contact, t, { kind: 'survey_answered', survey: { type: 'nps', score, comment } });
    if (score >= 9 && customer.lifecycle === 'customer' && rng.chance(0.2)) {
      customer.lifecycle = 'evangelist';
      const changedMs = t + rng.int(HOUR_MS, 2 * DAY_MS);
      this.deps.crm.write(customer.contact, changedMs, { kind: 'lifecycle_stage_changed', lifecycle: { from: 'customer', to: 'evangelist' } });
    }
  }

  /** A yearly renewal reaching its end: negotiation → closed_won (most) or closed_lost, days later. */
  private renewal(customer: B2bAccount, t: number): void {
    const { rng, scheduler } = this.deps.ctx;
    const odds = B2B_ODDS[customer.segment];
    const deal = {
      dealId: `d_r${this.renewalNumber++}`,
      pipeline: 'renewals' as const,
      amount: Math.round(rng.logUniform(odds.minDeal, odds.maxDeal) / 100) * 100,
      currency: dealCurrency(customer.country),
    };
    this.deps.crm.write(customer.contact, t, { kind: 'deal_stage_changed', deal: { ...deal, from: 'proposal', to: 'negotiation' } });
    const closeMs = businessTime(t + rng.int(2 * DAY_MS, 12 * DAY_MS), customer.country, rng);
    if (closeMs >= scheduler.endMs) return;
    scheduler.at(closeMs, () => {
      const to = rng.chance(0.85) ? 'closed_won' : 'closed_lost';
      this.deps.crm.write(customer.contact, closeMs, { kind: 'deal_stage_changed', deal: { ...deal, from: 'negotiation', to } });
    });
  }
}
