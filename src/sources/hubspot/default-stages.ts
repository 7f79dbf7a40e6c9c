/**
 * HubSpot's built-in values, translated into the envelope's conventional
 * ones (LIFECYCLE_STAGES, DEAL_STAGES in src/events/crm-schema.ts), so a
 * portal that kept HubSpot's defaults needs no table at all. A definition's
 * `hubspot:` section adds to these and wins over them (mapping-schema.ts).
 */

/** The internal values of HubSpot's `lifecyclestage` contact property. */
export const HUBSPOT_LIFECYCLE_STAGES: Readonly<Record<string, string>> = {
  subscriber: 'subscriber',
  lead: 'lead',
  marketingqualifiedlead: 'mql',
  salesqualifiedlead: 'sql',
  opportunity: 'opportunity',
  customer: 'customer',
  evangelist: 'evangelist',
  // HubSpot's catch-all: kept as it is, a value the shipped pipelines match to no stage.
  other: 'other',
};

/** The id HubSpot gives every portal's default sales pipeline. */
export const HUBSPOT_DEFAULT_PIPELINE = 'default';

export interface DealStageEntry {
  /** The HubSpot pipeline id the stage belongs to (renamed by the `pipelines` table). */
  pipeline: string;
  /** The value the envelope's `deal.to` gets. */
  stage: string;
}

/**
 * The stages of HubSpot's default sales pipeline. Its seven stages fold into
 * the six conventional ones: the presentation is where the offer is made
 * (proposal), and a bought-in decision maker and a sent contract are both
 * the negotiation. Stage ids are unique within a portal, so a `dealstage`
 * value alone names its pipeline: HubSpot's property change carries no
 * pipeline.
 */
export const HUBSPOT_DEAL_STAGES: Readonly<Record<string, DealStageEntry>> = {
  appointmentscheduled: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'qualification' },
  qualifiedtobuy: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'discovery' },
  presentationscheduled: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'proposal' },
  decisionmakerboughtin: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'negotiation' },
  contractsent: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'negotiation' },
  closedwon: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'closed_won' },
  closedlost: { pipeline: HUBSPOT_DEFAULT_PIPELINE, stage: 'closed_lost' },
};
