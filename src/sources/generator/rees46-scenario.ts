import { Anomalies, clampProbability } from './anomalies.js';
import { Catalog, type Product } from './catalog.js';
import type { Malformer } from './event-scheduler.js';
import { COUNTRIES } from './geo.js';
import type { Prng } from './prng.js';
import { scheduleArrivals, type ScenarioContext } from './scenario-context.js';
import { SessionClock } from './session-clock.js';
import { ArrivalProcess, SHOPPING_TRAFFIC } from './traffic-shape.js';
import { DAY_MS, formatRees46Time, HOUR_MS, MINUTE_MS } from './time-format.js';

/** The public REES46 e-commerce dump's columns, in order. */
export const REES46_HEADER = 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session';

/** The REES46 funnel (event_type values, in order). */
export const REES46_STAGES = ['view', 'cart', 'purchase'] as const;

const CART_ODDS = 0.09;
const PURCHASE_ODDS = 0.45;
const RETURN_LATER = 0.25;
const SECOND_SESSION_SAME_DAY = 0.08;
const MAX_SESSIONS = 5;

interface Rees46User {
  userId: number;
  sessions: number;
}

function row(eventMs: number, type: string, product: Product, userId: number, session: string): string {
  return `${formatRees46Time(eventMs)},${type},${product.id},${product.categoryId},${product.categoryCode},${product.brand},${product.priceUsd.toFixed(2)},${userId},${session}`;
}

/**
 * The 'rees46' scenario: CSV rows in the public REES46 layout. Each session
 * (a user_session UUID) views products, sometimes carts them (and removes
 * some), and sometimes buys: one purchase row per carted product, as in the
 * dump. The first line is the header. The rows carry no visitor dimension,
 * so a bottleneck (which targets one) is rejected for this scenario; the
 * spike applies to sessions whose first cart event falls in its window.
 */
export function setupRees46(ctx: ScenarioContext): void {
  const { options, rng, scheduler } = ctx;
  if (options.bottleneck) {
    throw new Error('bottleneck is not supported by the rees46 scenario: its rows carry no device, channel, country, segment or browser');
  }
  const anomalies = new Anomalies(options, REES46_STAGES);
  const arrivals = new ArrivalProcess({ profile: SHOPPING_TRAFFIC, countries: COUNTRIES, visitorsPerDay: options.visitorsPerDay });
  const catalog = new Catalog(rng, { productCount: 600 });
  const clock = new SessionClock(rng);
  let userNumber = 512_000_000;
  scheduler.emitRaw(-Infinity, { line: REES46_HEADER, kind: 'valid' });

  const emitRow = (eventMs: number, type: string, product: Product, user: Rees46User, session: string): void => {
    if (!scheduler.inWindow(eventMs)) return;
    scheduler.emit(eventMs + scheduler.latenessMs(), row(eventMs, type, product, user.userId, session));
  };

  const visit = (user: Rees46User, atMs: number): void => {
    user.sessions++;
    const session = rng.uuid();
    const focus = catalog.pick(rng).category;
    clock.t = atMs - 5_000;
    let viewed = catalog.pick(rng, focus);
    emitRow(clock.think(), 'view', viewed, user, session);
    while (rng.chance(0.72)) {
      viewed = catalog.pick(rng, rng.chance(0.85) ? focus : undefined);
      emitRow(clock.think(), 'view', viewed, user, session);
    }
    if (rng.chance(CART_ODDS)) {
      const cart: Product[] = [viewed];
      const cartMs = clock.think();
      emitRow(cartMs, 'cart', viewed, user, session);
      while (cart.length < 4 && rng.chance(0.25)) {
        const next = catalog.pick(rng, focus);
        emitRow(clock.think(), 'view', next, user, session);
        emitRow(clock.think(), 'cart', next, user, session);
        cart.push(next);
      }
      if (cart.length > 1 && rng.chance(0.2)) emitRow(clock.think(), 'remove_from_cart', cart.pop() as Product, user, session);
      if (rng.chance(anomalies.checkoutCompletion(cartMs, clampProbability(PURCHASE_ODDS)))) {
        const purchaseMs = clock.think();
        for (const product of cart) emitRow(purchaseMs, 'purchase', product, user, session);
      }
    }
    scheduleReturn(user, atMs, clock.t);
  };

  const scheduleReturn = (user: Rees46User, startMs: number, endMs: number): void => {
    if (user.sessions >= MAX_SESSIONS) return;
    let nextMs: number | undefined;
    if (rng.chance(SECOND_SESSION_SAME_DAY)) nextMs = endMs + rng.int(41 * MINUTE_MS, 5 * HOUR_MS);
    else if (rng.chance(RETURN_LATER / user.sessions)) nextMs = startMs + rng.int(1, 4) * DAY_MS + rng.int(-3 * HOUR_MS, 3 * HOUR_MS);
    if (nextMs === undefined || nextMs >= scheduler.endMs) return;
    const at = nextMs;
    scheduler.at(at, () => visit(user, at));
  };

  scheduleArrivals(
    ctx,
    (afterMs) => arrivals.nextArrivalMs(afterMs, rng),
    (atMs) => visit({ userId: (userNumber += rng.int(1, 60)), sessions: 0 }, atMs),
  );
}

const BAD_TIMES = ['2019-13-45 25:61:00 UTC', 'yesterday', '', '1570000000'] as const;
/** Columns: 0 event_time, 6 price, 7 user_id. */
const CSV_SHAPES: ReadonlyArray<(fields: string[], rng: Prng) => string> = [
  (fields, rng) => ((fields[0] = rng.pick(BAD_TIMES)), fields.join(',')),
  (fields) => ((fields[7] = ''), fields.join(',')),
  (fields, rng) => ((fields[6] = rng.pick(['N/A', 'twelve', 'null'])), fields.join(',')),
  (fields) => fields.slice(0, -1).join(','),
  (fields, rng) => `${fields.join(',')},${rng.pick(['extra', '', 'promo'])}`,
  () => REES46_HEADER,
];

/**
 * Malformed REES46 rows derived from a valid one: bad time, missing user_id,
 * non-numeric price, wrong column count, a repeated header (concatenated
 * files), and a few blank lines.
 */
export function createCsvMalformer(): Malformer {
  let blankLines = 0;
  return (line, rng) => {
    if (blankLines < 3 && rng.chance(0.01)) {
      blankLines++;
      return '';
    }
    const shape = rng.pick(CSV_SHAPES);
    return shape(line.split(','), rng);
  };
}
