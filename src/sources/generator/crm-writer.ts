import type { EventScheduler } from './event-scheduler.js';
import type { Prng } from './prng.js';
import { formatIsoMs } from './time-format.js';

export type LifecycleStage = 'subscriber' | 'lead' | 'mql' | 'sql' | 'opportunity' | 'customer' | 'evangelist';
export type DealStage = 'qualification' | 'discovery' | 'proposal' | 'negotiation' | 'closed_won' | 'closed_lost';

/** A CRM contact as the envelope identifies it. */
export interface CrmContact {
  contactId: string;
  email: string | undefined;
  /** The web visitor's tracking cookie, linked when they submitted a form; absent for outbound prospects. */
  anonymousId: string | undefined;
  userId: string | undefined;
}

/** The kind-specific part of a CRM envelope (exactly one detail object, matching kind). */
export type CrmDetail =
  /** `from` is left out when the contact is created at this stage. */
  | { kind: 'lifecycle_stage_changed'; lifecycle: { from?: LifecycleStage; to: LifecycleStage } }
  | {
      kind: 'deal_stage_changed';
      /** `from` is left out when the deal is created. */
      deal: { dealId: string; pipeline: 'new_business' | 'renewals'; from?: DealStage; to: DealStage; amount: number; currency: string };
    }
  | { kind: 'activity'; activity: { channel: 'email' | 'call' | 'meeting' | 'store_visit' | 'chat'; direction: 'inbound' | 'outbound'; subject: string } }
  | { kind: 'ticket_opened' | 'ticket_solved'; ticket: { ticketId: string; subject: string; priority: 'low' | 'normal' | 'high' } }
  | { kind: 'survey_answered'; survey: { type: 'nps' | 'csat'; score: number; comment?: string; stage?: string; touchpoint?: string } };

/**
 * Serialises CRM envelopes (the project's documented contract) and hands
 * them to the scheduler. receivedAt is occurredAt + 2–90 s (webhook
 * delivery) plus any lateness; the line arrives at receivedAt.
 */
export class CrmWriter {
  constructor(
    private readonly scheduler: EventScheduler,
    private readonly rng: Prng,
  ) {}

  write(contact: CrmContact, occurredMs: number, detail: CrmDetail): void {
    if (!this.scheduler.inWindow(occurredMs)) return;
    const receivedMs = occurredMs + this.rng.int(2_000, 90_000) + this.scheduler.latenessMs();
    const envelope = {
      source: 'crm',
      id: `crm_${this.rng.uuid().replace(/-/g, '')}`,
      kind: detail.kind,
      occurredAt: formatIsoMs(occurredMs),
      receivedAt: formatIsoMs(receivedMs),
      contactId: contact.contactId,
      email: contact.email,
      anonymousId: contact.anonymousId,
      userId: contact.userId,
      ...detailFields(detail),
    };
    this.scheduler.emit(receivedMs, JSON.stringify(envelope));
  }
}

function detailFields(detail: CrmDetail): object {
  switch (detail.kind) {
    case 'lifecycle_stage_changed':
      return { lifecycle: detail.lifecycle };
    case 'deal_stage_changed':
      return { deal: detail.deal };
    case 'activity':
      return { activity: detail.activity };
    case 'ticket_opened':
    case 'ticket_solved':
      return { ticket: detail.ticket };
    case 'survey_answered':
      return { survey: detail.survey };
  }
}
