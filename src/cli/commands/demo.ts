import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { parseFlags } from '../args.js';
import { createProgress } from '../progress.js';
import { requirePipeline } from '../pipeline-option.js';
import { openStore } from '../store-option.js';
import { writeGenerated } from './generate.js';
import { printSummary } from './ingest.js';
import { renderFunnelReport } from './funnel.js';
import { renderAbandonment } from './abandonment.js';
import { percent, renderTable } from '../table.js';
import { compilePipeline } from '../../pipeline/compiled-pipeline.js';
import { ingestFiles } from '../../pipeline/ingest-files.js';
import { readFunnel } from '../../metrics/funnel-reader.js';
import { renderModeComparison } from './mode-comparison.js';
import { readStitchedPeople, renderSessionsVsPeople, type StitchedPeople } from './demo-people.js';
import { abandonmentReport } from '../../metrics/abandonment-report.js';
import { migrate } from '../../stores/migrate.js';
import { renderBottleneckSentences, driverDimensions } from './bottlenecks.js';
import { renderNotices } from './alerts.js';
import { analyzeBottlenecks } from '../../analysis/bottleneck-report.js';
import { evaluateAlerts } from '../../analysis/evaluate-alerts.js';
import { readPipelineWatermarkMs } from '../../analysis/alert-series.js';
import { redactCredentials } from '../../core/redact.js';
import { readJourneyMap } from '../../map/read-journey-map.js';
import { renderMapPage } from '../../map/render/map-page.js';

export const HELP = `journeys demo — the whole pipeline on a generated week of shop traffic

Usage: journeys demo [--store embedded:<dir>] [--visitors-per-day <n>]

Generates a week of realistic e-commerce events (with noise; from day 4 a
planted mobile checkout bottleneck, and a 4-hour checkout-abandonment spike),
ingests them into the embedded ClickHouse store (database journeys_demo,
recreated each run) and prints the funnel, sessions against people (shoppers
stitched across their devices), the abandonment summary, the bottlenecks of
days 4-7 against days 1-3, the alerts the spike raised and the dead letters, and writes the journey map of
the week as one HTML page.`;

const DEMO_DATABASE = 'journeys_demo';
const SPIKE_START = '2026-11-06T17:00:00Z';
const SPIKE_MINUTES = 240;
/** Days 1–3 run normally; from day 4 mobile checkout breaks and the spike hits (seed 43: new visitors). */
const BREAK_START = '2026-11-05T00:00:00Z';
const WEEK = { fromMs: Date.parse('2026-11-02T00:00:00Z'), toMs: Date.parse('2026-11-09T00:00:00Z') };
const DEMO_PARTS = [
  { seed: 42, start: '2026-11-02T00:00:00Z', days: 3 },
  {
    seed: 43,
    start: BREAK_START,
    days: 4,
    bottleneck: { fromStage: 'checkout', dimension: 'device', value: 'mobile', conversionFactor: 0.55 },
    spike: { start: SPIKE_START, durationMinutes: SPIKE_MINUTES, checkoutAbandonmentRate: 0.95 },
  },
] as const;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('demo', argv, { store: { type: 'string' }, 'visitors-per-day': { type: 'string' } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const started = Date.now();
  const storeSpec = values.store ?? process.env['JOURNEYS_STORE'] ?? 'embedded:./.journeys';
  const dataDir = join(storeSpec.replace(/^embedded:/, '') || '.journeys', 'demo-input');
  mkdirSync(dataDir, { recursive: true });
  const input = join(dataDir, 'ecommerce-week.ndjson');

  console.log('1/3  Generating a week of e-commerce traffic (seeds 42 and 43) …');
  const out = createWriteStream(input);
  const generating = createProgress('     generating');
  // 10,000 visitors a day bring ~30 checkouts an hour: enough for the spike alert (~90 min in) and a significant bottleneck; 2,500 give neither.
  const visitorsPerDay = Number(values['visitors-per-day'] ?? 10_000);
  let lines = 0;
  for (const part of DEMO_PARTS) {
    const before = lines;
    lines += await writeGenerated({ scenario: 'ecommerce', visitorsPerDay, ...part }, out, (n) => generating.update(before + n));
  }
  out.end();
  await once(out, 'finish');
  generating.done(lines);
  console.log(`     ${lines.toLocaleString('en-US')} lines in ${input}`);

  const { definition } = requirePipeline('demo', 'ecommerce');
  const pipeline = compilePipeline(definition);
  const store = await openStore({ store: storeSpec, database: DEMO_DATABASE });
  let people: StitchedPeople | undefined;
  let mapFile: string | undefined;
  try {
    await store.command(`DROP DATABASE IF EXISTS ${DEMO_DATABASE}`);
    await store.command(`CREATE DATABASE ${DEMO_DATABASE}`);
    await store.command(`USE ${DEMO_DATABASE}`);
    await migrate(store);

    console.log('\n2/3  Ingesting into the embedded ClickHouse store …');
    const ingestStarted = Date.now();
    const ingesting = createProgress('     ingesting', { total: lines });
    const summary = await ingestFiles(store, pipeline, [input], {
      onProgress: (read) => ingesting.update(read),
      onRollupDay: (done, total) => ingesting.update(lines, `rebuilding rollups ${done}/${total}`),
    });
    ingesting.done(summary.read);
    console.log(printSummary(summary, (Date.now() - ingestStarted) / 1000).replace(/^/gm, '     '));

    console.log('\n3/3  Results\n');
    const view = { pipeline: pipeline.name, stageNames: pipeline.stageNames, level: definition.funnel.level, mode: definition.funnel.mode, range: {} };
    const funnel = await readFunnel(store, view);
    console.log(renderFunnelReport(funnel));
    console.log(`\nThe same sessions in every mode (stage entered; docs/semantics.md, "Modes")\n${await renderModeComparison(store, view)}`);
    people = await readStitchedPeople(store, pipeline.name);
    console.log(
      `\nSessions vs people (stage entered in the week; a person's journey joins their devices and CRM contact over 7 days; ` +
        `docs/semantics.md, "People")\n` +
        (await renderSessionsVsPeople(store, { pipeline: pipeline.name, stageNames: pipeline.stageNames, mode: view.mode, range: WEEK }, people)),
    );
    const byDevice = await readFunnel(store, { ...view, by: 'device' });
    const checkout = pipeline.stageNames.indexOf('checkout');
    console.log(
      `\nCheckout → purchase by device (a mobile checkout bottleneck is planted)\n${renderTable(
        ['device', 'reached checkout', 'with a checkout event', 'purchased', 'conversion'],
        byDevice.groups.map((g) => {
          const stage = g.stages[checkout]!;
          return [g.value, stage.entered, stage.entered - stage.skipped, stage.advanced, percent(stage.conversion_to_next)];
        }),
      )}`,
    );
    const abandonment = await abandonmentReport(store, { pipeline: pipeline.name, rules: definition.abandonment, level: view.level, mode: view.mode, range: {} });
    console.log(`\nAbandonment (a checkout-abandonment spike is planted from ${SPIKE_START} for ${SPIKE_MINUTES} min)\n${renderAbandonment(abandonment)}`);
    const bottlenecks = await analyzeBottlenecks(store, {
      pipeline: pipeline.name,
      stageNames: pipeline.stageNames,
      dimensions: driverDimensions(definition),
      fromMs: Date.parse(BREAK_START),
      toMs: WEEK.toMs,
      baseline: { kind: 'previous' },
      level: view.level,
      mode: view.mode,
    });
    console.log(`\nBottlenecks of days 4-7 against days 1-3 (mobile checkout breaks on day 4)\n${renderBottleneckSentences(bottlenecks, { top: 3 })}`);
    const alerts = await evaluateAlerts({ store, pipeline, nowMs: (await readPipelineWatermarkMs(store, pipeline.name)) ?? 0, fromMs: 0 });
    console.log(`\nAlerts raised by the planted spike (each 5-minute bucket judged as it ended; checkouts without an order yet count as open)\n${renderNotices(alerts.notices)}`);
    const [dead] = await store.query<{ n: number | string }>('SELECT count() AS n FROM dead_letters FINAL WHERE pipeline = {p:String}', { p: pipeline.name });
    const reasons = await store.query<{ step: string; n: number | string }>(
      'SELECT step, count() AS n FROM dead_letters FINAL WHERE pipeline = {p:String} GROUP BY step ORDER BY n DESC',
      { p: pipeline.name },
    );
    console.log(`\nDead letters: ${Number(dead?.n ?? 0)} (${reasons.map((r) => `${r.step} ${Number(r.n)}`).join(', ')})`);
    const map = await readJourneyMap(store, { definition, level: view.level, mode: view.mode, range: WEEK });
    mapFile = resolve(dataDir, '..', `journey-map-${definition.name}.html`);
    writeFileSync(mapFile, renderMapPage(map));
    console.log(`\nThe journey map of the week (stages × touchpoints, channels, emotions, pain points, per segment): ${mapFile}`);
  } finally {
    await store.close();
  }
  const shownStore = redactCredentials(storeSpec);
  const flags = `--pipeline ecommerce --store ${shownStore} --database ${DEMO_DATABASE}`;
  console.log(`
Done in ${((Date.now() - started) / 1000).toFixed(1)}s. Try next:
  npx journeys funnel ${flags} --by device        # which devices lose people at checkout
  npx journeys funnel ${flags} --level person      # per person over 7 days, across their devices${
    people?.exampleBuyer === undefined ? '' : `\n  npx journeys person ${people.exampleBuyer} ${flags}   # one buyer on two devices, event by event`
  }
  npx journeys abandonment ${flags} --rule checkout_abandonment
  npx journeys bottlenecks ${flags} --from ${BREAK_START} --baseline 3d
  npx journeys alerts list ${flags}
  npx journeys map ${flags} --from ${BREAK_START} --compare 3d --out map.html   # days 4-7 against days 1-3, as a page${
    mapFile === undefined ? '' : `\n  open ${mapFile}   # the week's journey map (or: npx journeys serve ${flags})`
  }
  npx journeys sql "SELECT reason, count() FROM dead_letters GROUP BY reason" --store ${shownStore} --database ${DEMO_DATABASE}`);
  return 0;
}
