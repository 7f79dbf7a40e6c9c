import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import type { Store } from '../../src/stores/store.js';

/**
 * The B2B journey of docs/semantics.md's "People" worked example: a site
 * visit, a signup, the CRM's lead and MQL, a won deal; counted per person
 * over 90 days. `extra` is appended (an `identity:` block, say).
 */
export function personPipelineYaml(name: string, extra = ''): string {
  return `
name: ${name}
stages:
  - name: visit
    match: [{ type: page }]
  - name: signup
    match: [{ event: Signed Up }]
  - name: lead
    match: [{ source: crm, event: lifecycle_stage_changed, where: { properties.to: { equals: lead } } }]
  - name: mql
    match: [{ source: crm, event: lifecycle_stage_changed, where: { properties.to: { equals: mql } } }]
  - name: won
    match: [{ source: crm, event: deal_stage_changed, where: { properties.to: { equals: closed_won } } }]
funnel: { level: person, journeyWindow: 90d, conversionStage: won }
${extra}
`;
}

export function personPipeline(name: string, extra = ''): CompiledPipeline {
  return compilePipeline(parseDefinition(personPipelineYaml(name, extra), `${name}.yaml`));
}

/** A person journey as the identity tests compare it: person id, start, staged events, reached level, converted. */
export interface JourneySummary {
  key: string;
  start: number;
  events: number;
  level: number;
  converted: number;
}

export async function journeySummaries(store: Store, pipeline: string): Promise<JourneySummary[]> {
  const rows = await store.query<{ key: string; start: number | string; events: number | string; level: number; converted: number }>(
    `SELECT key, toUnixTimestamp64Milli(start) AS start, event_count AS events, funnel_levels[indexOf(funnel_modes, 'reached')] AS level, converted
       FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 ORDER BY key, start`,
    { pipeline },
  );
  return rows.map((r) => ({ key: r.key, start: Number(r.start), events: Number(r.events), level: Number(r.level), converted: Number(r.converted) }));
}
