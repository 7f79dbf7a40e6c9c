import { UAParser } from 'ua-parser-js';

export interface DeviceInfo {
  /** desktop, mobile, tablet, other (bots, TVs, consoles), or unknown without a user agent. */
  device: string;
  browser: string;
  os: string;
}

const UNKNOWN: DeviceInfo = Object.freeze({ device: 'unknown', browser: 'unknown', os: 'unknown' });
const CACHE_LIMIT = 10_000;

/**
 * User-agent parsing with ua-parser-js behind a bounded cache: real traffic
 * repeats a few thousand distinct user agents, and parsing is the costly part.
 */
export function createUserAgentParser(): (userAgent: string) => DeviceInfo {
  const cache = new Map<string, DeviceInfo>();
  const parser = new UAParser();
  return (userAgent) => {
    if (!userAgent) return UNKNOWN;
    const hit = cache.get(userAgent);
    if (hit) return hit;
    parser.setUA(userAgent);
    const result = parser.getResult();
    const type = result.device.type;
    const info: DeviceInfo = {
      device: type === 'mobile' || type === 'tablet' ? type : type === undefined ? 'desktop' : 'other',
      browser: result.browser.name ?? 'other',
      os: result.os.name ?? 'other',
    };
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(userAgent, info);
    return info;
  };
}
