import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseFlags } from '../args.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { MODE_LEVEL_HELP } from '../funnel-options.js';
import { parseMapQuery } from '../../map/map-query.js';
import { readJourneyMap } from '../../map/read-journey-map.js';
import { renderMapPage } from '../../map/render/map-page.js';

export const MAP_QUERY_HELP = `  --from <ISO> --to <ISO>  journeys starting in this range, rounded down to the hour (default: all stored)
${MODE_LEVEL_HELP}
  --segment <value>      only the journeys of this segment (default: everyone, with a map per segment)
  --compare previous|<duration>
                         this period against the one just before it (of equal length, or e.g. 7d)
  --variant <path>       A/B: the journeys of one variant against another's, by the first value
                         their events carry at a properties path (e.g. properties.experiment_variant)
  --variants <A,B>       the two values to compare (default: the two with the most journeys)`;

export const HELP = `journeys map — the customer journey map: stages × funnel, time, touchpoints, channels,
emotions (NPS/CSAT), pain points and opportunities, per persona, as one HTML page

Usage: journeys map --pipeline <name|file> [options] [--out map.html | --json]

${PIPELINE_HELP}
${MAP_QUERY_HELP}
  --out <file>           write the page here (default: journey-map-<pipeline>.html); it works
                         offline and loads nothing from anywhere
  --json                 print the map's figures as one JSON object instead
${STORE_HELP}

Every figure is the one journeys funnel, abandonment and bottlenecks report for the same
period, level and mode (docs/semantics.md, "The journey map"). For a live map: journeys serve.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('map', argv, {
    pipeline: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    mode: { type: 'string' },
    level: { type: 'string' },
    segment: { type: 'string' },
    compare: { type: 'string' },
    variant: { type: 'string' },
    variants: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('map', values.pipeline);
  const query = parseMapQuery(values, definition);
  const map = await withStore(values, { migrate: true, requireDatabase: true }, (store) => readJourneyMap(store, query));
  if (values.json) {
    console.log(JSON.stringify(map));
    return 0;
  }
  const out = resolve(values.out ?? `journey-map-${definition.name}.html`);
  writeFileSync(out, renderMapPage(map));
  const journeys = map.stages[0]?.funnel.entered ?? 0;
  console.log(`Wrote the journey map of ${definition.name} (${journeys.toLocaleString('en-US')} ${map.unit}, ${map.period.from.slice(0, 16)} – ${map.period.to.slice(0, 16)} UTC) to ${out}`);
  return 0;
}
