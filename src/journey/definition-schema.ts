import { z } from 'zod';
import { durationMs } from '../core/duration.js';
import { identityOrderSchema } from '../events/identity.js';
import { matchRuleSchema } from './match-rule.js';
import { csvMappingSchema } from './csv-mapping.js';
import { channelRuleSchema } from './channel-rules.js';
import { alertRuleSchema, checkAlertRules } from './alert-rules.js';
import { hubspotSectionSchema } from '../sources/hubspot/mapping-schema.js';

/** windowFunnel takes at most 32 conditions; skipped stages are a 32-bit mask. */
export const MAX_STAGES = 31;

const stageName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'stage names are lower-case words: letters, digits, _ and -');

export const stageSchema = z.strictObject({
  name: stageName,
  description: z.string().optional(),
  match: z.array(matchRuleSchema).min(1).describe('The stage is reached by an event matching any of these rules'),
  optional: z
    .boolean()
    .default(false)
    .describe('In ordered and strict funnels, a journey may pass this stage without an event of it (reported as skipped)'),
  within: durationMs
    .optional()
    .describe('In ordered and strict funnels, this stage counts only within this long after the previous stage of the chain'),
  exclude: z
    .array(matchRuleSchema)
    .optional()
    .describe('A journey with an event matching one of these rules between the previous stage and this one is left out of the funnel'),
});

export const sessionSettingsSchema = z
  .strictObject({
    inactivityGap: durationMs.default(1_800_000).describe('A gap strictly longer than this starts a new session'),
    maxDuration: durationMs.default(86_400_000).describe('A session is split when it would last longer than this'),
    allowedLateness: durationMs
      .default(300_000)
      .describe('How far behind the newest event time an event may arrive and still be placed in an open session'),
    useSourceSessionId: z
      .boolean()
      .default(false)
      .describe('Group by the session id the source assigned instead of splitting on inactivity'),
  })
  .default({ inactivityGap: 1_800_000, maxDuration: 86_400_000, allowedLateness: 300_000, useSourceSessionId: false });

export const abandonmentRuleSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'rule names are lower_snake_case'),
  from: stageName.describe('Reaching this stage starts the clock'),
  to: stageName.describe('The stage that must be reached within the window'),
  within: durationMs.describe('How long after reaching `from` the journey may take to reach `to`'),
});

/** How a journey's progress through the stages is counted (docs/semantics.md). */
export const FUNNEL_MODES = ['reached', 'ordered', 'strict', 'any'] as const;
export type FunnelMode = (typeof FUNNEL_MODES)[number];
/** What one funnel row counts: a session, or a person's journey over the journey window. */
export const FUNNEL_LEVELS = ['session', 'person'] as const;
export type FunnelLevel = (typeof FUNNEL_LEVELS)[number];
/** `journey` was the person level's name before identity stitching: still accepted wherever a level is read. */
export function canonicalLevel(level: string): string {
  return level === 'journey' ? 'person' : level;
}
/** A level as the definition reads it: `journey` read as `person`. */
export const funnelLevelSchema = z.preprocess((value) => (typeof value === 'string' ? canonicalLevel(value) : value), z.enum(FUNNEL_LEVELS));

export const DIMENSIONS = ['channel', 'device', 'browser', 'country', 'segment'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const definitionSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'pipeline names are lower-case words'),
    description: z.string().optional(),
    identity: identityOrderSchema.prefault({}),
    sessions: sessionSettingsSchema,
    stages: z.array(stageSchema).min(2).max(MAX_STAGES).describe('Ordered journey stages'),
    funnel: z
      .strictObject({
        conversionStage: stageName.optional().describe('Reaching this stage counts as converted (default: the last stage)'),
        journeyWindow: durationMs
          .default(604_800_000)
          .describe('A journey lasts from its first staged event this long; the next staged event after it starts the next journey'),
        mode: z.enum(FUNNEL_MODES).default('reached').describe('The mode reports use when --mode is not given'),
        level: funnelLevelSchema.default('session').describe('The level reports use when --level is not given'),
      })
      .default({ journeyWindow: 604_800_000, mode: 'reached', level: 'session' }),
    channels: z.array(channelRuleSchema).default([]).describe('Custom channel rules, tried before the default grouping'),
    abandonment: z.array(abandonmentRuleSchema).default([]),
    alerts: z.array(alertRuleSchema).default([]).describe('Alert rules on abandonment rates and stage conversions (docs/analysis.md)'),
    dimensions: z.array(z.enum(DIMENSIONS)).default([...DIMENSIONS]),
    segment: z
      .strictObject({ path: z.string().min(1).describe('Event path the segment is read from') })
      .default({ path: 'context.traits.segment' }),
    csv: csvMappingSchema.optional(),
    hubspot: hubspotSectionSchema
      .optional()
      .describe("HubSpot webhooks: its stage values, pipelines and contact properties in the envelope's terms, over HubSpot's built-in defaults (docs/events.md)"),
  })
  .superRefine((def, ctx) => {
    const names = def.stages.map((s) => s.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `duplicate stage "${name}"` });
    });
    for (const field of ['within', 'exclude'] as const) {
      if (def.stages[0]?.[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['stages', 0, field], message: `the first stage has no previous stage: "${field}" applies from the second stage on` });
      }
    }
    const known = (name: string) => names.includes(name);
    if (def.funnel.conversionStage && !known(def.funnel.conversionStage)) {
      ctx.addIssue({ code: 'custom', path: ['funnel', 'conversionStage'], message: `unknown stage "${def.funnel.conversionStage}"; stages are ${names.join(', ')}` });
    }
    def.abandonment.forEach((rule, i) => {
      for (const field of ['from', 'to'] as const) {
        if (!known(rule[field])) {
          ctx.addIssue({ code: 'custom', path: ['abandonment', i, field], message: `unknown stage "${rule[field]}"; stages are ${names.join(', ')}` });
        }
      }
      if (known(rule.from) && known(rule.to) && names.indexOf(rule.from) >= names.indexOf(rule.to)) {
        ctx.addIssue({ code: 'custom', path: ['abandonment', i, 'to'], message: `"${rule.to}" must come after "${rule.from}"` });
      }
    });
    checkAlertRules(def, ctx);
  });

export type JourneyDefinition = z.infer<typeof definitionSchema>;
export type StageDefinition = z.infer<typeof stageSchema>;
export type AbandonmentRule = z.infer<typeof abandonmentRuleSchema>;
export type SessionSettings = JourneyDefinition['sessions'];
