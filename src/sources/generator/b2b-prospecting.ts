import type { AccountFactory } from './b2b-accounts.js';
import type { B2bAccount, B2bPipeline, ResumePoint } from './b2b-crm.js';
import { B2B_ODDS, businessTime, dealCurrency } from './b2b-profile.js';
import type { CrmWriter, DealStage, LifecycleStage } from './crm-writer.js';
import { COUNTRIES } from './geo.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { ArrivalProcess, BUSINESS_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, HOUR_MS } from './time-format.js';

/** Accounts already in the pipeline when the run starts, per expected new lead per day. */
const BACKLOG_PER_DAILY_LEAD: ReadonlyArray<readonly [ResumePoint, number]> = [
  ['lead', 2],
  ['mql', 1.2],
  ['sql', 0.7],
  ['qualification', 0.5],
  ['discovery', 0.8],
  ['proposal', 0.7],
  ['negotiation', 0.5],
];
const LIFECYCLE_AT: Record<ResumePoint, LifecycleStage> = {
  lead: 'lead',
  mql: 'mql',
  sql: 'sql',
  qualification: 'opportunity',
  discovery: 'opportunity',
  proposal: 'opportunity',
  negotiation: 'opportunity',
};
/** The open deal's stage for backlog accounts resuming inside the deal pipeline. */
const DEAL_AT: Partial<Record<ResumePoint, DealStage>> = {
  qualification: 'qualification',
  discovery: 'discovery',
  proposal: 'proposal',
  negotiation: 'negotiation',
};
const REPLY_ODDS = 0.1;
const SEQUENCE_SUBJECTS = ['Quick idea for your support team', 'Following up', 'Last try: worth a chat?'] as const;

/**
 * The CRM side that does not start on the site: the pipeline backlog present
 * at the start (so a one-week run still shows late-stage moves), and outbound
 * prospecting — sequences of outbound emails to contacts with no tracking
 * cookie, of which a few reply and become leads.
 */
export function startProspecting(deps: {
  ctx: ScenarioContext;
  crm: CrmWriter;
  accounts: AccountFactory;
  pipeline: B2bPipeline;
  expectedLeadsPerDay: number;
}): void {
  const { ctx, crm, accounts, pipeline, expectedLeadsPerDay } = deps;
  const { rng, scheduler, options } = ctx;
  const horizonMs = Math.min(options.days, 10) * DAY_MS;
  let backlogDeal = 7_000;

  for (const [point, perLead] of BACKLOG_PER_DAILY_LEAD) {
    const count = Math.round(perLead * expectedLeadsPerDay);
    for (let i = 0; i < count; i++) {
      const account = accounts.offline('backlog', { withWebHistory: rng.chance(0.7), withUserId: rng.chance(0.4) });
      account.lifecycle = LIFECYCLE_AT[point];
      const stage = DEAL_AT[point];
      if (stage !== undefined) {
        const odds = B2B_ODDS[account.segment];
        account.deal = {
          dealId: `d_${backlogDeal++}`,
          stage,
          amount: Math.round(rng.logUniform(odds.minDeal, odds.maxDeal) / 100) * 100,
          currency: dealCurrency(account.country),
        };
      }
      pipeline.resume(account, point, businessTime(scheduler.startMs + rng.int(0, horizonMs), account.country, rng));
    }
  }

  const prospects = new ArrivalProcess({ profile: BUSINESS_TRAFFIC, countries: COUNTRIES, visitorsPerDay: expectedLeadsPerDay * 1.5 });
  const touch = (account: B2bAccount, step: number, atMs: number): void => {
    const subject = SEQUENCE_SUBJECTS[step] ?? 'Checking in';
    crm.write(account.contact, atMs, { kind: 'activity', activity: { channel: 'email', direction: 'outbound', subject } });
    if (rng.chance(REPLY_ODDS)) {
      const replyMs = businessTime(atMs + rng.int(HOUR_MS, 2 * DAY_MS), account.country, rng);
      if (replyMs >= scheduler.endMs) return;
      scheduler.at(replyMs, () => {
        crm.write(account.contact, replyMs, { kind: 'activity', activity: { channel: 'email', direction: 'inbound', subject: `Re: ${subject}` } });
        pipeline.lead(account, replyMs);
      });
      return;
    }
    if (step + 1 >= SEQUENCE_SUBJECTS.length) return;
    const nextMs = businessTime(atMs + rng.int(3 * DAY_MS, 4 * DAY_MS), account.country, rng);
    if (nextMs < scheduler.endMs) scheduler.at(nextMs, () => touch(account, step + 1, nextMs));
  };
  scheduleArrivals(ctx, (after) => prospects.nextArrivalMs(after, rng), (atMs) => {
    touch(accounts.offline('outbound', { withWebHistory: false, withUserId: false }), 0, atMs);
  });
}
