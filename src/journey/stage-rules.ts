import type { JourneyDefinition } from './definition-schema.js';
import type { StageRules } from '../sessions/funnel-progress.js';

/**
 * The per-stage funnel options of a definition, with the window a chain
 * must fit in: Infinity for sessions (the session is the window), the
 * journey window for journeys.
 */
export function stageRulesOf(definition: JourneyDefinition, windowMs: number): StageRules {
  return {
    stageCount: definition.stages.length,
    optional: definition.stages.map((stage) => stage.optional),
    withinMs: definition.stages.map((stage) => stage.within ?? Infinity),
    windowMs,
    conversionIndex: definition.funnel.conversionStage ? definition.stages.findIndex((s) => s.name === definition.funnel.conversionStage) + 1 : definition.stages.length,
  };
}
