/**
 * Synthetic, seedable event generator: realistic customer-journey traffic
 * for the pipeline's sources (Segment NDJSON, CRM envelopes, REES46 CSV),
 * with late, duplicate and malformed records and planted anomalies.
 *
 * What a consumer needs to know about the records:
 * - Segment: segment in `context.traits.segment`, country in
 *   `context.location.country`, device/browser only in `context.userAgent`
 *   (ua-parser-js names: desktop/mobile/tablet; Chrome, Mobile Safari, …).
 * - Acquisition is visible on the landing page's events only: utm in
 *   `context.campaign` and `context.page.search`, external referrer in
 *   `context.page.referrer`; later pages have the previous page as referrer.
 * - 5 % of devices have a skewed clock: `timestamp` is absent and the event
 *   time is receivedAt − (sentAt − originalTimestamp). Late deliveries shift
 *   sentAt and receivedAt together, so the same formula holds for them.
 * - CRM: creation events leave `from` out (new contact, new deal).
 * - People and devices: a person may use two devices (a phone or tablet and
 *   a computer), each with its own anonymousId; a device's events carry the
 *   userId from its own login (an identify) on, so some two-device people
 *   log in on both, some on one, guests on none. CRM envelopes carry an
 *   anonymousId (ecommerce: the buying device; b2b: the device the form was
 *   filled in on, the first) and the userId once the contact has one. Ids
 *   of runs with other seeds do not collide.
 */
import { EventScheduler, type GeneratedLine, type Malformer } from './event-scheduler.js';
import { setupEcommerce } from './ecommerce-scenario.js';
import { setupB2bSaas } from './b2b-scenario.js';
import { setupRees46, createCsvMalformer } from './rees46-scenario.js';
import { createJsonMalformer } from './malformed-json.js';
import { generatorOptionsSchema, type GeneratorOptions, type GeneratorOptionsInput } from './options.js';
import { Prng } from './prng.js';
import type { ScenarioContext } from './scenario-context.js';
import { DAY_MS } from './time-format.js';

export { generatorOptionsSchema, BOTTLENECK_DIMENSIONS } from './options.js';
export type { GeneratorOptions, GeneratorOptionsInput } from './options.js';
export type { GeneratedLine } from './event-scheduler.js';
export { SHOP_STAGES, SHOP_SEGMENTS } from './shop-profile.js';
export { B2B_STAGES, B2B_SEGMENTS } from './b2b-profile.js';
export { REES46_STAGES, REES46_HEADER } from './rees46-scenario.js';

const SETUP: Record<GeneratorOptions['scenario'], (ctx: ScenarioContext) => void> = {
  ecommerce: setupEcommerce,
  'b2b-saas': setupB2bSaas,
  rees46: setupRees46,
};

/**
 * Lazily yields records in (approximately) arrival order; memory is bounded
 * by concurrently active visitors and pending (late, future) records.
 *
 * - Options are validated with `generatorOptionsSchema` (missing fields get
 *   their defaults); invalid options, or a bottleneck on a stage the
 *   scenario does not have, throw before anything is yielded.
 * - The same options give byte-identical output.
 * - Valid records are ordered by arrival time (Segment `receivedAt`, CRM
 *   `receivedAt`, REES46 event time + lateness); late ones are therefore out
 *   of order by event time. A duplicate repeats an earlier valid line
 *   verbatim; a malformed line sits next to the record it was derived from.
 * - Only events whose event time lies in [start, start + days) are produced.
 */
export function generateEvents(options: GeneratorOptionsInput = {}): Generator<GeneratedLine> {
  const parsed = generatorOptionsSchema.parse(options);
  const rng = new Prng(parsed.seed);
  const startMs = Date.parse(parsed.start);
  const malformer: Malformer = parsed.scenario === 'rees46' ? createCsvMalformer() : createJsonMalformer();
  const scheduler = new EventScheduler({
    rng,
    startMs,
    endMs: startMs + Math.round(parsed.days * DAY_MS),
    shares: parsed,
    malformer,
  });
  SETUP[parsed.scenario]({ options: parsed, rng, scheduler });
  return scheduler.drain();
}
