import { WeightedChoice } from './weighted-choice.js';

/** A browser/device combination with its full user-agent string (precomputed: no per-event work). */
export interface DeviceProfile {
  /** As ua-parser-js classifies the user agent: desktop, mobile or tablet. */
  device: 'desktop' | 'mobile' | 'tablet';
  /** As ua-parser-js names the browser (Chrome, Mobile Safari, Safari, Firefox, Edge, Samsung Internet). */
  browser: string;
  userAgent: string;
}

/**
 * Weights give ≈ 55 % phones, 5 % tablets and 40 % desktops, close to
 * today's retail traffic. Browser names are what ua-parser-js reports for
 * each string (checked), so a bottleneck on `browser` uses the same values a
 * consumer derives from `context.userAgent`.
 */
const DEVICE_TABLE: ReadonlyArray<readonly [DeviceProfile, number]> = [
  [{ device: 'mobile', browser: 'Mobile Safari', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1' }, 17],
  [{ device: 'mobile', browser: 'Mobile Safari', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1' }, 8],
  [{ device: 'mobile', browser: 'Chrome', userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36' }, 18],
  [{ device: 'mobile', browser: 'Chrome', userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.86 Mobile Safari/537.36' }, 3],
  [{ device: 'mobile', browser: 'Samsung Internet', userAgent: 'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36' }, 5],
  [{ device: 'mobile', browser: 'Chrome', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/130.0.6723.90 Mobile/15E148 Safari/604.1' }, 4],
  [{ device: 'tablet', browser: 'Mobile Safari', userAgent: 'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1' }, 3.5],
  [{ device: 'tablet', browser: 'Chrome', userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36' }, 1.5],
  [{ device: 'desktop', browser: 'Chrome', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36' }, 19],
  [{ device: 'desktop', browser: 'Edge', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0' }, 5],
  [{ device: 'desktop', browser: 'Safari', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15' }, 7],
  [{ device: 'desktop', browser: 'Chrome', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36' }, 5],
  [{ device: 'desktop', browser: 'Firefox', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0' }, 2.5],
  [{ device: 'desktop', browser: 'Firefox', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0' }, 1.5],
];

/** Consumer devices (ecommerce, rees46). */
export const CONSUMER_DEVICES = new WeightedChoice(DEVICE_TABLE);

/** Phones only (for a computer owner's phone), in the table's proportions. */
const PHONES = new WeightedChoice(DEVICE_TABLE.filter(([profile]) => profile.device === 'mobile'));
/** Desktops and laptops only (for a phone or tablet owner's computer). */
const COMPUTERS = new WeightedChoice(DEVICE_TABLE.filter(([profile]) => profile.device === 'desktop'));

/** A person's other device: a computer for a phone or tablet user, a phone for a computer user. */
export function otherDeviceChoice(first: string): WeightedChoice<DeviceProfile> {
  return first === 'desktop' ? PHONES : COMPUTERS;
}

/** Office workers browse business software on desktops mostly (≈ 80 %). */
export const BUSINESS_DEVICES = new WeightedChoice(
  DEVICE_TABLE.map(([profile, weight]) => [profile, profile.device === 'desktop' ? weight * 6 : weight] as const),
);
