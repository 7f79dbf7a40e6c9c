/**
 * What a map shows, from CLI flags or the served page's query string (the
 * same names: from, to, level, mode, segment, compare, variant, variants),
 * checked with the same messages as every report's flags.
 */
import { parseTimeRange } from '../cli/args.js';
import { parseModeAndLevel } from '../cli/funnel-options.js';
import type { JourneyDefinition } from '../journey/definition-schema.js';
import type { JourneyMapOptions } from './read-journey-map.js';
import { UsageError } from '../cli/cli-error.js';
import { parseBaseline } from '../cli/commands/bottlenecks.js';
import { variantJsonPath } from './variant-funnel.js';

export interface MapQueryValues {
  from?: string | undefined;
  to?: string | undefined;
  level?: string | undefined;
  mode?: string | undefined;
  segment?: string | undefined;
  compare?: string | undefined;
  variant?: string | undefined;
  variants?: string | undefined;
}

export function parseMapQuery(values: MapQueryValues, definition: JourneyDefinition): Omit<JourneyMapOptions, 'nowMs'> {
  const { mode, level } = parseModeAndLevel(values, definition);
  const range = parseTimeRange(values);
  const compare = values.compare === undefined || values.compare === '' || values.compare === 'none' ? undefined : parseBaseline(values.compare, 'compare');
  const variant = values.variant === undefined || values.variant === '' ? undefined : values.variant.trim();
  if (variant !== undefined && compare !== undefined) throw new UsageError('give --compare or --variant, not both: a map compares one pair at a time');
  if (variant !== undefined) variantJsonPath(variant);
  let pair: [string, string] | undefined;
  if (values.variants !== undefined && values.variants !== '') {
    const parts = values.variants.split(',').map((v) => v.trim());
    if (parts.length !== 2 || parts.some((v) => v === '')) throw new UsageError(`--variants takes two values, A,B (got "${values.variants}")`);
    if (variant === undefined) throw new UsageError('--variants names the two values of --variant <path>: give --variant too');
    pair = [parts[0]!, parts[1]!];
  }
  return {
    definition,
    level,
    mode,
    range,
    segment: values.segment === undefined ? undefined : values.segment,
    compare,
    variant: variant === undefined ? undefined : { path: variant, values: pair },
  };
}
