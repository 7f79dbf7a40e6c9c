import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';
import { readFunnel } from '../../src/metrics/funnel-reader.js';
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

/** The live journeys whole, without pipeline and version (which legitimately differ between runs). */
export function journeyRows(store: Store, pipeline: string): Promise<string> {
  return store.queryText(
    `SELECT * EXCEPT (pipeline, version) FROM journeys FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 ORDER BY key, start, journey_id FORMAT JSONEachRow`,
    { pipeline },
  );
}

/** Every identifier's person from a time on (person_of), as the identity tests compare them. */
export async function persons(store: Store, pipeline: string): Promise<Array<{ identifier: string; fromMs: number; personId: string }>> {
  const rows = await store.query<{ identifier: string; from_ms: number | string; person_id: string }>(
    `SELECT identifier, toUnixTimestamp64Milli(valid_from) AS from_ms, person_id FROM person_of WHERE pipeline = {pipeline:String} ORDER BY identifier, valid_from`,
    { pipeline },
  );
  return rows.map((r) => ({ identifier: r.identifier, fromMs: Number(r.from_ms), personId: r.person_id }));
}

/** The person funnel's entered count per stage (reached mode, all time). */
export async function entered(store: Store, pipeline: CompiledPipeline): Promise<number[]> {
  return (await readFunnel(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: 'person', mode: 'reached', range: {} })).stages.map((s) => s.entered);
}
