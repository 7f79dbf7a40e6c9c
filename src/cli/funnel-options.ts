import { UsageError } from './cli-error.js';
import { oneOf } from './args.js';
import { canonicalLevel, FUNNEL_LEVELS, FUNNEL_MODES, type FunnelLevel, type FunnelMode, type JourneyDefinition } from '../journey/definition-schema.js';
import { formatDurationMs } from '../core/duration.js';

/** --mode and --level as every report takes them (docs/semantics.md, "Modes"). */
export const MODE_LEVEL_HELP = `  --mode reached|ordered|strict|any  how stages become a funnel (default: the pipeline's funnel.mode):
                         reached: the furthest stage reached, in any order (stages passed are skipped);
                         ordered: stages in order, as ClickHouse windowFunnel;
                         strict: in order, as windowFunnel 'strict_order';
                         any: row k = journeys that did k distinct stages, in any order
  --level session|person per session, or per person (every device and the CRM, stitched) over funnel.journeyWindow
                         (default: the pipeline's funnel.level)`;

const MODE_WORDS: Record<FunnelMode, string> = {
  reached: 'reached mode: the furthest stage reached, in any order',
  ordered: 'ordered mode: stages in order, as windowFunnel',
  strict: "strict mode: stages in strict order, as windowFunnel 'strict_order'",
  any: 'any-order mode: row k = journeys that did k distinct stages',
};

/** The mode and level in words, for headings. */
export function describeModeAndLevel(mode: FunnelMode, level: FunnelLevel, journeyWindowMs?: number): string {
  const per = level === 'session' ? 'per session' : `per person's journey${journeyWindowMs === undefined ? '' : ` (window ${formatDurationMs(journeyWindowMs)})`}`;
  return `${MODE_WORDS[mode]}; ${per}`;
}

/** --mode and --level, defaulting to the definition's funnel.mode and funnel.level. */
export function parseModeAndLevel(
  values: { mode?: string | undefined; level?: string | undefined },
  definition: Pick<JourneyDefinition, 'funnel'>,
): { mode: FunnelMode; level: FunnelLevel } {
  if (values.mode === 'furthest') throw new UsageError('--mode furthest is now called reached (the furthest stage reached, in any order): use --mode reached');
  const mode = oneOf('mode', values.mode, FUNNEL_MODES, definition.funnel.mode);
  const level = oneOf('level', values.level === undefined ? undefined : canonicalLevel(values.level), FUNNEL_LEVELS, definition.funnel.level);
  return { mode, level };
}
