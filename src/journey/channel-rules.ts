import { z } from 'zod';
import { compileMatchRule, matchRuleSchema } from './match-rule.js';
import type { JourneyEvent } from '../events/journey-event.js';
import { defaultChannel } from './default-channel.js';

/** A custom channel rule, tried in order before the default grouping. */
export const channelRuleSchema = z.strictObject({
  name: z.string().min(1).max(64),
  when: matchRuleSchema,
});

export type ChannelRule = z.infer<typeof channelRuleSchema>;

/** Builds the channel classifier: custom rules first, then the default grouping. */
export function compileChannelClassifier(rules: readonly ChannelRule[]): (event: JourneyEvent) => string {
  const compiled = rules.map((rule) => ({ name: rule.name, test: compileMatchRule(rule.when) }));
  return (event) => {
    for (const rule of compiled) if (rule.test(event)) return rule.name;
    return defaultChannel(event);
  };
}
