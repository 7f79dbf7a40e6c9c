import type { IdentityField } from '../../events/identity.js';
import { HUBSPOT_DEAL_STAGES, HUBSPOT_LIFECYCLE_STAGES, type DealStageEntry } from './default-stages.js';
import type { ContactPropertyRole, HubSpotSection } from './mapping-schema.js';

/** Prefixed to a deal's id to make the anonymousId its events are keyed by (docs/events.md, "HubSpot webhooks"). */
export const DEAL_IDENTIFIER_PREFIX = 'hubspot-deal:';

/** What hubspotEventsToCrm needs from a journey definition, compiled once. */
export interface HubSpotMapping {
  lifecycleStages: ReadonlyMap<string, string>;
  /** dealstage id → its pipeline (already renamed by `pipelines`) and the value deal.to gets. */
  dealStages: ReadonlyMap<string, DealStageEntry>;
  pipelines: ReadonlyMap<string, string>;
  contactProperties: ReadonlyMap<string, ContactPropertyRole>;
  /**
   * Whether the pipeline keys CRM events by anonymousId at all
   * (`identity.crm`): a deal's events carry no contactId, only the deal's
   * identifier, so without it every one of them would be a dead letter for
   * want of an identity. The mapper refuses them with the fix instead.
   */
  dealsKeyable: boolean;
}

/** The parts of a journey definition the mapping reads. */
export interface HubSpotMappingSource {
  hubspot?: HubSpotSection | undefined;
  identity: { crm: readonly IdentityField[] };
}

/** Compiles a definition's `hubspot:` section over HubSpot's built-in values. */
export function hubspotMappingOf(definition: HubSpotMappingSource): HubSpotMapping {
  const section = definition.hubspot;
  const builtIn = section?.builtInStages ?? true;
  const pipelines = new Map(Object.entries(section?.pipelines ?? {}));
  const renamed = (entry: DealStageEntry): DealStageEntry => ({ pipeline: pipelines.get(entry.pipeline) ?? entry.pipeline, stage: entry.stage });
  const dealEntries = { ...(builtIn ? HUBSPOT_DEAL_STAGES : {}), ...section?.dealStages };
  return {
    lifecycleStages: new Map(Object.entries({ ...(builtIn ? HUBSPOT_LIFECYCLE_STAGES : {}), ...section?.lifecycleStages })),
    dealStages: new Map(Object.entries(dealEntries).map(([id, entry]) => [id, renamed(entry)])),
    pipelines,
    contactProperties: new Map(Object.entries(section?.contactProperties ?? {})),
    dealsKeyable: definition.identity.crm.includes('anonymousId'),
  };
}

/** The anonymousId a deal's events are keyed by until (and after) an association links it to a contact. */
export function dealIdentifier(dealId: string): string {
  return DEAL_IDENTIFIER_PREFIX + dealId;
}
