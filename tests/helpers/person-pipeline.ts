import { parseDefinition } from '../../src/journey/load-definition.js';
import { compilePipeline, type CompiledPipeline } from '../../src/pipeline/compiled-pipeline.js';

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
