import { z } from 'zod';
import { compilePredicate, predicateSchema } from './predicate.js';
import { compileEventPath } from './event-path.js';
import type { JourneyEvent } from '../events/journey-event.js';

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** One match rule: every given condition must hold. A stage matches when any of its rules does. */
export const matchRuleSchema = z
  .strictObject({
    source: z.enum(['site', 'crm']).optional().describe('Only events from this source'),
    type: oneOrMany.optional().describe('Segment call type(s): track, page, screen, identify, alias, or crm'),
    event: oneOrMany.optional().describe('Event name(s): track event, page/screen name, or CRM kind'),
    where: z.record(z.string().min(1), predicateSchema).optional().describe('Predicates on event paths, e.g. properties.total'),
  })
  .refine((rule) => rule.source || rule.type || rule.event || rule.where, {
    message: 'a match rule needs at least one of source, type, event, where',
  });

export type MatchRule = z.infer<typeof matchRuleSchema>;

function asSet(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(Array.isArray(value) ? value : [value]);
}

/** Compiles a rule into a fast test (sets for names, paths and regexes prepared once). */
export function compileMatchRule(rule: MatchRule): (event: JourneyEvent) => boolean {
  const types = asSet(rule.type);
  const names = asSet(rule.event);
  const where = Object.entries(rule.where ?? {}).map(([path, predicate]) => ({
    read: compileEventPath(path),
    test: compilePredicate(predicate),
  }));
  return (event) =>
    (rule.source === undefined || event.source === rule.source) &&
    (types === undefined || types.has(event.type)) &&
    (names === undefined || names.has(event.name)) &&
    where.every(({ read, test }) => test(read(event)));
}
