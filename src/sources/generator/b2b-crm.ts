import { clampProbability, type Anomalies, type VisitorDimensions } from './anomalies.js';
import type { B2bFeedback } from './b2b-feedback.js';
import { B2B_ODDS, businessTime, dealCurrency, type B2bSegment } from './b2b-profile.js';
import type { CrmContact, CrmDetail, CrmWriter, DealStage, LifecycleStage } from './crm-writer.js';
import type { EventScheduler } from './event-scheduler.js';
import type { Country } from './geo.js';
import type { Prng } from './prng.js';
import type { ProfiledVisitor } from './site-visitor.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

/** A CRM contact with what its progression depends on. */
export interface B2bAccount {
  contact: CrmContact;
  country: Country;
  segment: B2bSegment;
  /** The dimensions a bottleneck targets; outbound prospects have channel 'outbound' and no device. */
  dimensions: VisitorDimensions;
  /** The linked web visitor (tracking cookie), if any. */
  visitor: ProfiledVisitor | undefined;
  source: 'demo' | 'signup' | 'outbound' | 'backlog';
  lifecycle: LifecycleStage | undefined;
  deal: { dealId: string; stage: DealStage; amount: number; currency: string } | undefined;
}

/** Where a backlog account resumes. */
export type ResumePoint = 'lead' | 'mql' | 'sql' | 'qualification' | 'discovery' | 'proposal' | 'negotiation';

const MQL_ODDS: Record<B2bAccount['source'], number> = { demo: 0.6, signup: 0.45, outbound: 0.35, backlog: 0.45 };

/**
 * The sales pipeline after a lead exists: lead → mql → sql → opportunity
 * (deal created) → discovery → proposal → negotiation → closed_won /
 * closed_lost → customer and onboarding, with the activities that move it.
 * Each step is a scheduled task at a business-hours time days later, so
 * only accounts in flight are held in memory.
 */
export class B2bPipeline {
  private dealNumber = 8_100;

  constructor(
    private readonly deps: {
      rng: Prng;
      crm: CrmWriter;
      scheduler: EventScheduler;
      anomalies: Anomalies;
      feedback: B2bFeedback;
      /** Called when onboarding completes (the scenario emits the in-app event). */
      onOnboarded: (account: B2bAccount, atMs: number) => void;
      /** Called when the account becomes a customer (joins the support/NPS base). */
      onCustomer: (account: B2bAccount) => void;
    },
  ) {}

  private write(account: B2bAccount, atMs: number, detail: CrmDetail): void {
    this.deps.crm.write(account.contact, atMs, detail);
  }

  private stage(account: B2bAccount, atMs: number, to: LifecycleStage): void {
    const from = account.lifecycle;
    account.lifecycle = to;
    this.write(account, atMs, { kind: 'lifecycle_stage_changed', lifecycle: from === undefined ? { to } : { from, to } });
  }

  private activity(account: B2bAccount, atMs: number, activity: Extract<CrmDetail, { kind: 'activity' }>['activity']): void {
    this.write(account, atMs, { kind: 'activity', activity });
  }

  private moveDeal(account: B2bAccount, atMs: number, to: DealStage): void {
    const deal = account.deal;
    if (!deal) return;
    const from = deal.stage;
    deal.stage = to;
    const { dealId, amount, currency } = deal;
    this.write(account, atMs, { kind: 'deal_stage_changed', deal: { dealId, pipeline: 'new_business', from, to, amount, currency } });
  }

  /** Runs `step` at a business-hours time 'minDays'–'maxDays' after `fromMs`, if that is inside the run. */
  private later(account: B2bAccount, fromMs: number, minDays: number, maxDays: number, step: (atMs: number) => void): void {
    const { rng, scheduler } = this.deps;
    const atMs = businessTime(fromMs + rng.int(Math.round(minDays * DAY_MS), Math.round(maxDays * DAY_MS)), account.country, rng);
    if (atMs < scheduler.endMs) scheduler.at(atMs, () => step(atMs));
  }

  private advance(account: B2bAccount, p: number, stage: string): boolean {
    return this.deps.rng.chance(clampProbability(p * this.deps.anomalies.advanceFactor(stage, account.dimensions)));
  }

  /** A new lead (form submitted, trial signed up, or a prospect replied) at `atMs`. */
  lead(account: B2bAccount, atMs: number): void {
    const rng = this.deps.rng;
    // The CRM sync lags the form submission by a few minutes.
    this.stage(account, atMs + rng.int(MINUTE_MS, 10 * MINUTE_MS), 'lead');
    if (account.source === 'demo') {
      const replyMs = businessTime(atMs + rng.int(20 * MINUTE_MS, 4 * HOUR_MS), account.country, rng);
      this.activity(account, replyMs, { channel: 'email', direction: 'outbound', subject: 'Re: your Flowdesk demo request' });
    }
    this.later(account, atMs, 0.2, 3, (t) => this.toMql(account, t));
  }

  /** Resumes a backlog account (already in the CRM before the run) at `point`. */
  resume(account: B2bAccount, point: ResumePoint, atMs: number): void {
    const steps: Record<ResumePoint, (t: number) => void> = {
      lead: (t) => this.toMql(account, t),
      mql: (t) => this.toSql(account, t),
      sql: (t) => this.toOpportunity(account, t),
      qualification: (t) => this.toDiscovery(account, t),
      discovery: (t) => this.toProposal(account, t),
      proposal: (t) => this.decide(account, t),
      negotiation: (t) => this.close(account, t, this.deps.rng.chance(0.55)),
    };
    if (atMs < this.deps.scheduler.endMs) this.deps.scheduler.at(atMs, () => steps[point](atMs));
  }

  private toMql(account: B2bAccount, t: number): void {
    if (this.advance(account, MQL_ODDS[account.source], 'lead')) {
      this.stage(account, t, 'mql');
      this.later(account, t, 1, 4, (next) => this.toSql(account, next));
    } else if (this.deps.rng.chance(0.5)) {
      this.activity(account, t, { channel: 'email', direction: 'outbound', subject: 'Getting more out of Flowdesk' });
    }
  }

  private toSql(account: B2bAccount, t: number): void {
    const rng = this.deps.rng;
    this.activity(
      account,
      t,
      rng.chance(0.7)
        ? { channel: 'call', direction: 'outbound', subject: 'Intro call' }
        : { channel: 'email', direction: 'outbound', subject: 'Quick question about your support team' },
    );
    if (this.advance(account, 0.5, 'mql')) {
      this.stage(account, t + rng.int(30 * MINUTE_MS, 3 * HOUR_MS), 'sql');
      this.later(account, t, 1, 5, (next) => this.toOpportunity(account, next));
    } else if (rng.chance(0.3)) {
      this.activity(account, t + rng.int(HOUR_MS, DAY_MS), { channel: 'email', direction: 'inbound', subject: 'Re: not the right time' });
    }
  }

  private toOpportunity(account: B2bAccount, t: number): void {
    const rng = this.deps.rng;
    this.activity(account, t, { channel: 'meeting', direction: 'outbound', subject: 'Discovery call' });
    if (!this.advance(account, 0.65, 'sql')) return;
    const meetingEnd = t + rng.int(30 * MINUTE_MS, 60 * MINUTE_MS);
    this.deps.feedback.afterDiscoveryCall(account, meetingEnd);
    this.stage(account, meetingEnd, 'opportunity');
    const odds = B2B_ODDS[account.segment];
    const amount = Math.round(rng.logUniform(odds.minDeal, odds.maxDeal) / 100) * 100;
    const currency = dealCurrency(account.country);
    const dealId = `d_${this.dealNumber++}`;
    account.deal = { dealId, stage: 'qualification', amount, currency };
    this.write(account, meetingEnd + rng.int(MINUTE_MS, 20 * MINUTE_MS), {
      kind: 'deal_stage_changed',
      deal: { dealId, pipeline: 'new_business', to: 'qualification', amount, currency },
    });
    this.later(account, t, 2, 6, (next) => this.toDiscovery(account, next));
  }

  private toDiscovery(account: B2bAccount, t: number): void {
    if (!this.deps.rng.chance(0.85)) return this.moveDeal(account, t, 'closed_lost');
    this.moveDeal(account, t, 'discovery');
    this.later(account, t, 3, 10, (next) => this.toProposal(account, next));
  }

  private toProposal(account: B2bAccount, t: number): void {
    if (!this.advance(account, 0.7, 'opportunity')) return this.moveDeal(account, t, 'closed_lost');
    this.moveDeal(account, t, 'proposal');
    this.activity(account, t + this.deps.rng.int(MINUTE_MS, HOUR_MS), { channel: 'email', direction: 'outbound', subject: 'Your Flowdesk proposal' });
    this.later(account, t, 3, 10, (next) => this.decide(account, next));
  }

  /** proposal → closed_won is decided once (so the bottleneck factor applies exactly); losers may negotiate first. */
  private decide(account: B2bAccount, t: number): void {
    const rng = this.deps.rng;
    const wins = this.advance(account, 0.45, 'proposal');
    this.deps.feedback.afterDecision(account, t, wins);
    if (!wins && rng.chance(0.5)) return this.moveDeal(account, t, 'closed_lost');
    this.moveDeal(account, t, 'negotiation');
    this.later(account, t, 3, 14, (next) => this.close(account, next, wins));
  }

  private close(account: B2bAccount, t: number, wins: boolean): void {
    const rng = this.deps.rng;
    this.moveDeal(account, t, wins ? 'closed_won' : 'closed_lost');
    if (!wins) return;
    this.stage(account, t + rng.int(5 * MINUTE_MS, HOUR_MS), 'customer');
    this.deps.onCustomer(account);
    if (!this.advance(account, 0.85, 'closed_won')) return;
    this.later(account, t, 1, 4, (kickoff) => {
      this.activity(account, kickoff, { channel: 'meeting', direction: 'outbound', subject: 'Onboarding kickoff' });
      this.deps.feedback.afterKickoff(account, kickoff);
      this.later(account, kickoff, 4, 10, (done) => this.deps.onOnboarded(account, done));
    });
  }
}
