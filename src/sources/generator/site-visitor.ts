import type { VisitorDimensions } from './anomalies.js';
import { otherDeviceChoice, type DeviceProfile } from './devices.js';
import { randomIp, type Country } from './geo.js';
import type { Prng } from './prng.js';
import type { SiteVisitor } from './segment-writer.js';
import type { WeightedChoice } from './weighted-choice.js';

/** A browser-bound visitor: Segment identity and context plus the dimensions anomalies target. */
export interface ProfiledVisitor extends SiteVisitor {
  country: Country;
  /** channel is the current session's acquisition channel, updated per session. */
  dimensions: VisitorDimensions;
}

/** Share of devices whose clock is wrong (their events need the skew correction). */
const SKEWED_CLOCK_SHARE = 0.05;
const MAX_SKEW_MS = 600_000;

/**
 * Draws a visitor's device, locale, address and clock for `country` and
 * `segment` (everything that stays the same across the visitor's sessions)
 * and adds the scenario's own fields from `extra`.
 */
export function createSiteVisitor<Extra extends object>(
  options: { rng: Prng; country: Country; segment: string; devices: WeightedChoice<DeviceProfile> },
  extra: Extra,
): ProfiledVisitor & Extra {
  const { rng, country, segment } = options;
  const device = options.devices.pick(rng);
  const clockSkewMs = drawClockSkewMs(rng);
  const visitor: ProfiledVisitor = {
    anonymousId: rng.uuid(),
    userId: undefined,
    clockSkewMs,
    userAgent: device.userAgent,
    locale: rng.pick(country.locales),
    location: { country: country.code },
    traits: { segment },
    ip: randomIp(country, rng),
    country,
    dimensions: { device: device.device, browser: device.browser, country: country.code, segment, channel: 'direct' },
  };
  // Object.assign, not a spread: spreading this object costs microseconds per visitor in V8.
  return Object.assign(visitor, extra);
}

/**
 * The same person's other device: a computer for a phone or tablet user, a
 * phone for a computer user. It has its own anonymousId (its own cookie),
 * address and clock, is logged out, and shares the person's locale, country
 * and segment; `extra` gives the scenario's fields (shared objects stay shared).
 */
export function createOtherDevice<Extra extends object>(first: ProfiledVisitor, options: { rng: Prng }, extra: Extra): ProfiledVisitor & Extra {
  const { rng } = options;
  const device = otherDeviceChoice(first.dimensions.device).pick(rng);
  const { country, segment } = first.dimensions;
  const visitor: ProfiledVisitor = {
    anonymousId: rng.uuid(),
    userId: undefined,
    clockSkewMs: drawClockSkewMs(rng),
    userAgent: device.userAgent,
    locale: first.locale,
    location: first.location,
    traits: first.traits,
    ip: randomIp(first.country, rng),
    country: first.country,
    dimensions: { device: device.device, browser: device.browser, country, segment, channel: 'direct' },
  };
  return Object.assign(visitor, extra);
}

function drawClockSkewMs(rng: Prng): number {
  if (!rng.chance(SKEWED_CLOCK_SHARE)) return 0;
  // A skew of 0 would mean a correct clock: keep skewed devices visibly skewed.
  return rng.int(-MAX_SKEW_MS, MAX_SKEW_MS) || 1_000;
}
