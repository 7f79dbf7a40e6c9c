import type { JourneyEvent } from '../events/journey-event.js';
import { textOf } from '../core/text-of.js';

/**
 * The default channel grouping, after GA4's: utm medium first, then the
 * referrer's host. CRM activities get their offline channel.
 */
export const SITE_CHANNELS = ['Direct', 'Organic Search', 'Paid Search', 'Social', 'Email', 'Referral', 'Display', '(Other)'] as const;
export const CRM_CHANNELS = ['Phone', 'Email', 'Meeting', 'Store', 'Chat', 'CRM'] as const;

// A Map, not an object literal: a CSV activity whose channel column says
// `toString` must not find Object.prototype's function.
const ACTIVITY_CHANNEL = new Map<string, string>([
  ['call', 'Phone'],
  ['email', 'Email'],
  ['meeting', 'Meeting'],
  ['store_visit', 'Store'],
  ['chat', 'Chat'],
]);

/**
 * A DNS name has at most 253 characters. Longer text is no host (read as none,
 * like a referrer that is no URL), and the host patterns below, whose
 * `[a-z.]+$` tails retry from every dot, take time quadratic in its length:
 * a 40,000-character referrer host took 2.2 s.
 */
const MAX_HOST_LENGTH = 253;

const SEARCH_HOSTS = /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|seznam|qwant|startpage)\.[a-z.]+$/;
const SOCIAL_HOSTS =
  /(^|\.)(facebook|fb|instagram|t\.co|twitter|x|linkedin|lnkd\.in|pinterest|reddit|tiktok|youtube|snapchat|threads|mastodon|whatsapp|quora)(\.[a-z.]+)?$/;
const HOST = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i;

function hostOf(url: string): string {
  const match = HOST.exec(url);
  if (!match) return '';
  if (match[1]!.length > MAX_HOST_LENGTH) return '';
  const host = match[1]!.toLowerCase();
  return host.startsWith('www.') ? host.slice(4) : host;
}

function byMedium(medium: string, source: string): string | undefined {
  if (medium === '') return undefined;
  if (/^(cpc|ppc|paidsearch|paid[_ -]?search|sem)$/.test(medium)) return 'Paid Search';
  if (/^(display|cpm|banner|interstitial|expandable|programmatic)$/.test(medium)) return 'Display';
  if (/^(e[-_]?mail|newsletter)$/.test(medium)) return 'Email';
  if (/^(social|social[-_ ]network|social[-_ ]media|sm|paid[-_ ]?social|social[-_ ]paid)$/.test(medium)) return 'Social';
  if (medium === 'organic') return 'Organic Search';
  if (/^(referral|affiliate|partner)$/.test(medium)) return 'Referral';
  if (source.length <= MAX_HOST_LENGTH && SEARCH_HOSTS.test(source) && /paid|cp/.test(medium)) return 'Paid Search';
  return '(Other)';
}

export function defaultChannel(event: JourneyEvent): string {
  if (event.source === 'crm') {
    if (event.name === 'activity') return ACTIVITY_CHANNEL.get(textOf(event.properties['channel']) ?? '') ?? 'CRM';
    return 'CRM';
  }
  const medium = event.campaign.medium.toLowerCase();
  const source = event.campaign.source.toLowerCase();
  const viaMedium = byMedium(medium, source);
  if (viaMedium) return viaMedium;
  if (/^(e[-_]?mail|newsletter)$/.test(source)) return 'Email';
  const referrer = hostOf(event.referrer);
  if (referrer === '' || referrer === hostOf(event.pageUrl)) return 'Direct';
  if (SEARCH_HOSTS.test(referrer)) return 'Organic Search';
  if (SOCIAL_HOSTS.test(referrer)) return 'Social';
  return 'Referral';
}
