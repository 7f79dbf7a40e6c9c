import type { Anomalies } from './anomalies.js';
import type { B2bAccount } from './b2b-crm.js';
import type { CrmWriter } from './crm-writer.js';
import type { Prng } from './prng.js';
import { surveyComment, surveyScore } from './survey-scores.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time-format.js';

/** The mood of an answer about a step where the run's planted bottleneck hits this account. */
const BOTTLENECK_MOOD_DROP = 0.3;

const DISCOVERY_COMMENTS = {
  low: ['The rep did not know our setup', 'Felt like a scripted pitch'],
  mid: ['Useful, but we need a technical follow-up'],
  high: ['Great discovery call, clear next steps', 'They understood our ticket volume'],
};
// The proposal is the journey's mild weak spot: pricing and contract terms.
const PROPOSAL_COMMENTS = {
  low: ['Pricing is hard to justify for our team size', 'Contract terms took too long', 'Per-seat pricing does not fit us'],
  mid: ['Proposal was fine, legal review is slow'],
  high: ['Clear proposal, fair price'],
};
const ONBOARDING_COMMENTS = {
  low: ['Kick-off was rushed', 'SSO setup took a week'],
  mid: ['Good, documentation could be better'],
  high: ['Onboarding team was excellent', 'We were live in two days'],
};
const SUPPORT_COMMENTS = { low: ['Took days to get an answer'], mid: [], high: ['Solved quickly'] };

/**
 * The B2B journey's surveys (CRM envelopes): a CSAT after the discovery
 * call (naming its touchpoint, the meeting), an answer about the proposal
 * (naming its stage), one after the onboarding kick-off (naming its stage)
 * and a CSAT after a solved ticket (naming its touchpoint). Relationship
 * NPS (CustomerBase) names neither: it belongs to the stage the journey
 * had reached.
 */
export class B2bFeedback {
  constructor(private readonly deps: { rng: Prng; crm: CrmWriter; anomalies: Anomalies }) {}

  private mood(base: number, account: B2bAccount, generatorStage: string): number {
    return base - (this.deps.anomalies.hits(generatorStage, account.dimensions) ? BOTTLENECK_MOOD_DROP : 0);
  }

  afterDiscoveryCall(account: B2bAccount, endMs: number): void {
    const { rng, crm } = this.deps;
    if (!rng.chance(0.3)) return;
    const score = surveyScore(rng, 'csat', this.mood(0.74, account, 'sql'));
    const comment = surveyComment(rng, 'csat', score, DISCOVERY_COMMENTS);
    crm.write(account.contact, endMs + rng.int(10 * MINUTE_MS, 6 * HOUR_MS), { kind: 'survey_answered', survey: { type: 'csat', score, comment, touchpoint: 'crm:meeting' } });
  }

  /** After the buyer's decision on the proposal (negotiation, or a loss). */
  afterDecision(account: B2bAccount, atMs: number, wins: boolean): void {
    const { rng, crm } = this.deps;
    if (!rng.chance(0.25)) return;
    const type = rng.chance(0.5) ? 'nps' : 'csat';
    const score = surveyScore(rng, type, this.mood(wins ? 0.76 : 0.6, account, 'proposal'));
    const comment = surveyComment(rng, type, score, PROPOSAL_COMMENTS, 0.45);
    crm.write(account.contact, atMs + rng.int(HOUR_MS, 2 * DAY_MS), { kind: 'survey_answered', survey: { type, score, comment, stage: 'proposal' } });
  }

  afterKickoff(account: B2bAccount, atMs: number): void {
    const { rng, crm } = this.deps;
    if (!rng.chance(0.4)) return;
    const score = surveyScore(rng, 'csat', this.mood(0.8, account, 'onboarding'));
    const comment = surveyComment(rng, 'csat', score, ONBOARDING_COMMENTS);
    crm.write(account.contact, atMs + rng.int(HOUR_MS, DAY_MS), { kind: 'survey_answered', survey: { type: 'csat', score, comment, stage: 'onboarding' } });
  }

  /** A customer's CSAT after a solved ticket (35% answer). */
  afterTicketSolved(account: B2bAccount, solvedMs: number): void {
    const { rng, crm } = this.deps;
    if (!rng.chance(0.35)) return;
    const score = surveyScore(rng, 'csat', 0.72);
    const comment = surveyComment(rng, 'csat', score, SUPPORT_COMMENTS, 0.2);
    crm.write(account.contact, solvedMs + rng.int(10 * MINUTE_MS, DAY_MS), { kind: 'survey_answered', survey: { type: 'csat', score, comment, touchpoint: 'crm:ticket_solved' } });
  }
}
