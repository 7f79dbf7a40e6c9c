import { NO_WEB_CONTEXT, type JourneyEvent } from './journey-event.js';
import type { CrmEnvelope } from './crm-schema.js';
import { parseIsoMs } from './time.js';
import { identityKey } from './identity.js';
import { statedTimesIssue, type DecodeContext } from './decode-context.js';
import { dead, ok, type StepResult } from '../core/result.js';
import { hashEmail } from '../core/hash.js';

const STEP = 'normalize-crm';

/** The kind-specific detail object, flattened into properties so stage rules can match on it. */
function detailOf(envelope: CrmEnvelope): Record<string, unknown> {
  switch (envelope.kind) {
    case 'lifecycle_stage_changed':
      return envelope.lifecycle;
    case 'deal_stage_changed':
    case 'deal_created':
      return envelope.deal;
    case 'contact_created':
      return {};
    case 'property_changed':
      return envelope.change;
    case 'deal_association_changed':
      return envelope.association;
    case 'activity':
      return envelope.activity;
    case 'ticket_opened':
    case 'ticket_solved':
      return envelope.ticket;
    case 'survey_answered':
      return envelope.survey;
  }
}

/** Turns a validated CRM envelope into a JourneyEvent. */
export function normalizeCrm(envelope: CrmEnvelope, ctx: DecodeContext): StepResult<JourneyEvent> {
  const timestampMs = parseIsoMs(envelope.occurredAt);
  const statedReceivedAtMs = parseIsoMs(envelope.receivedAt);
  const receivedAtMs = statedReceivedAtMs ?? ctx.receivedAtMs;
  const timeIssue = statedTimesIssue({ timestampMs, timestampPath: 'occurredAt', statedReceivedAtMs, ctx });
  if (timeIssue) return dead(STEP, timeIssue.message, [timeIssue]);

  const key = identityKey(envelope, ctx.identity.crm);
  if (!key) {
    const message = `no identity: none of ${ctx.identity.crm.join(', ')} is set`;
    return dead(STEP, message, [{ path: ctx.identity.crm[0]!, message }]);
  }
  const survey = envelope.kind === 'survey_answered' ? envelope.survey : undefined;
  return ok({
    eventId: envelope.id,
    source: 'crm',
    type: 'crm',
    name: envelope.kind,
    timestampMs: timestampMs!,
    receivedAtMs,
    key,
    anonymousId: envelope.anonymousId ?? '',
    userId: envelope.userId ?? '',
    contactId: envelope.contactId ?? '',
    emailHash: envelope.email?.includes('@') && ctx.emailSalt ? hashEmail(envelope.email, ctx.emailSalt) : '',
    sourceSessionId: '',
    ...NO_WEB_CONTEXT,
    properties: { ...envelope.properties, ...detailOf(envelope) },
    context: {},
    nps: survey?.type === 'nps' ? survey.score : null,
    csat: survey?.type === 'csat' ? survey.score : null,
  });
}
