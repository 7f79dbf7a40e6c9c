import { z } from 'zod';
import { durationMs } from '../core/duration.js';
import { identityOrderSchema } from '../events/identity.js';
import { matchRuleSchema } from './match-rule.js';
import { csvMappingSchema } from './csv-mapping.js';
import { channelRuleSchema } from './channel-rules.js';
import { alertRuleSchema, checkAlertRules } from './alert-rules.js';

const stageName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'stage names are lower-case words: letters, digits, _ and -');

export const stageSchema = z.strictObject({
  name: stageName,
  description: z.string().optional(),
  match: z.array(matchRuleSchema).min(1).describe('The stage is reached by an event matching any of these rules'),
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
  from: stageName.describe('The stage whose first event starts the clock'),
  to: stageName.describe('The stage that must follow within the window'),
  within: durationMs.describe('How long after the first `from` event the `to` stage may come'),
});

export const DIMENSIONS = ['channel', 'device', 'browser', 'country', 'segment'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const definitionSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'pipeline names are lower-case words'),
    description: z.string().optional(),
    identity: identityOrderSchema.default({ site: ['anonymousId', 'userId'], crm: ['contactId'] }),
    sessions: sessionSettingsSchema,
    stages: z.array(stageSchema).min(2).describe('Ordered journey stages'),
    funnel: z
      .strictObject({
        conversionStage: stageName.optional().describe('Reaching this stage counts as converted (default: the last stage)'),
        journeyWindow: durationMs.default(604_800_000).describe('Conversion window of --level journey'),
      })
      .default({ journeyWindow: 604_800_000 }),
    channels: z.array(channelRuleSchema).default([]).describe('Custom channel rules, tried before the default grouping'),
    abandonment: z.array(abandonmentRuleSchema).default([]),
    alerts: z.array(alertRuleSchema).default([]).describe('Alert rules on abandonment rates and stage conversions (docs/analysis.md)'),
    dimensions: z.array(z.enum(DIMENSIONS)).default([...DIMENSIONS]),
    segment: z
      .strictObject({ path: z.string().min(1).describe('Event path the segment is read from') })
      .default({ path: 'context.traits.segment' }),
    csv: csvMappingSchema.optional(),
  })
  .superRefine((def, ctx) => {
    const names = def.stages.map((s) => s.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `duplicate stage "${name}"` });
    });
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
