import type { Prng } from './prng.js';
import { WeightedChoice } from './weighted-choice.js';

/**
 * Acquisition channels, named like the consumer's default grouping after
 * normalisation ('Paid Search' ≈ 'paid_search'), so a bottleneck on
 * `channel` can use either spelling.
 */
export const CHANNELS = ['direct', 'organic_search', 'paid_search', 'social', 'email', 'referral', 'display'] as const;
export type ChannelId = (typeof CHANNELS)[number];

/** Where a channel tends to land the visitor: the site maps it to a concrete page. */
export type LandingKind = 'home' | 'listing' | 'detail' | 'content';

/** Segment's context.campaign, as analytics.js fills it from the landing URL's utm parameters. */
export interface CampaignContext {
  source: string;
  medium: string;
  name: string;
  term?: string;
  content?: string;
}

/** How one session was acquired, the way the landing page's context shows it. */
export interface Acquisition {
  channel: ChannelId;
  /** document.referrer of the landing page; '' when there is none. */
  referrer: string;
  campaign: CampaignContext | undefined;
  /** The landing URL's query string ('' or '?utm_source=…'), i.e. context.page.search. */
  search: string;
  landing: LandingKind;
}

/** Site-specific campaign vocabulary. */
export interface CampaignVocabulary {
  paidSearchCampaigns: readonly string[];
  searchTerms: readonly string[];
  socialCampaigns: readonly string[];
  emailCampaigns: readonly string[];
  displayCampaigns: readonly string[];
  referralPages: readonly string[];
}

const SEARCH_ENGINES = new WeightedChoice<string>([
  ['https://www.google.com/', 82],
  ['https://www.bing.com/', 10],
  ['https://duckduckgo.com/', 5],
  ['https://search.yahoo.com/', 3],
]);
const SOCIAL_REFERRERS = ['https://l.facebook.com/', 'https://m.facebook.com/', 'https://t.co/', 'https://www.instagram.com/', 'https://www.linkedin.com/', 'https://www.reddit.com/'] as const;
const SOCIAL_SOURCES = ['facebook', 'instagram', 'tiktok', 'pinterest', 'linkedin'] as const;
const DISPLAY_SOURCES = ['google_display', 'criteo', 'taboola'] as const;
const DISPLAY_PUBLISHERS = ['https://www.theguardian.com/', 'https://www.weather.com/', ''] as const;

function utmQuery(campaign: CampaignContext, clickId: string): string {
  let query = `?utm_source=${campaign.source}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}`;
  if (campaign.term !== undefined) query += `&utm_term=${encodeURIComponent(campaign.term)}`;
  if (campaign.content !== undefined) query += `&utm_content=${campaign.content}`;
  return query + clickId;
}

function clickId(name: string, rng: Prng): string {
  return `&${name}=${rng.uint32().toString(36)}${rng.uint32().toString(36)}`;
}

/** A link in a transactional email (order shipped, …): utm-tagged, no referrer, to an account page. */
export function transactionalEmail(name: string): Acquisition {
  const campaign: CampaignContext = { source: 'transactional', medium: 'email', name };
  return { channel: 'email', referrer: '', campaign, search: utmQuery(campaign, ''), landing: 'home' };
}

/** Builds the referrer / utm evidence a real session from `channel` carries. */
export function acquire(channel: ChannelId, vocabulary: CampaignVocabulary, rng: Prng): Acquisition {
  switch (channel) {
    case 'direct':
      return { channel, referrer: '', campaign: undefined, search: '', landing: rng.chance(0.85) ? 'home' : 'detail' };
    case 'organic_search':
      return {
        channel,
        referrer: SEARCH_ENGINES.pick(rng),
        campaign: undefined,
        search: '',
        landing: rng.pick(['home', 'listing', 'detail', 'content'] as const),
      };
    case 'paid_search': {
      const campaign: CampaignContext = {
        source: rng.chance(0.88) ? 'google' : 'bing',
        medium: 'cpc',
        name: rng.pick(vocabulary.paidSearchCampaigns),
        term: rng.pick(vocabulary.searchTerms),
      };
      const search = utmQuery(campaign, clickId(campaign.source === 'google' ? 'gclid' : 'msclkid', rng));
      const referrer = campaign.source === 'google' ? 'https://www.google.com/' : 'https://www.bing.com/';
      return { channel, referrer, campaign, search, landing: rng.chance(0.6) ? 'detail' : 'listing' };
    }
    case 'social': {
      // Organic posts show only a referrer; ads and tagged posts carry utm parameters.
      if (rng.chance(0.45)) {
        return { channel, referrer: rng.pick(SOCIAL_REFERRERS), campaign: undefined, search: '', landing: rng.chance(0.6) ? 'detail' : 'content' };
      }
      const paid = rng.chance(0.6);
      const campaign: CampaignContext = {
        source: rng.pick(SOCIAL_SOURCES),
        medium: paid ? 'paid_social' : 'social',
        name: rng.pick(vocabulary.socialCampaigns),
      };
      if (paid) campaign.content = rng.pick(['carousel', 'video_15s', 'static_a', 'static_b']);
      const referrer = campaign.source === 'tiktok' ? '' : `https://${campaign.source === 'linkedin' ? 'www.linkedin.com' : `l.${campaign.source}.com`}/`;
      const search = utmQuery(campaign, campaign.source === 'facebook' || campaign.source === 'instagram' ? clickId('fbclid', rng) : '');
      return { channel, referrer, campaign, search, landing: 'detail' };
    }
    case 'email': {
      const campaign: CampaignContext = {
        source: 'newsletter',
        medium: 'email',
        name: rng.pick(vocabulary.emailCampaigns),
        content: rng.pick(['hero_cta', 'product_grid', 'footer_link']),
      };
      return { channel, referrer: '', campaign, search: utmQuery(campaign, ''), landing: rng.chance(0.5) ? 'listing' : 'detail' };
    }
    case 'referral':
      return { channel, referrer: rng.pick(vocabulary.referralPages), campaign: undefined, search: '', landing: rng.chance(0.7) ? 'detail' : 'home' };
    case 'display': {
      const campaign: CampaignContext = {
        source: rng.pick(DISPLAY_SOURCES),
        medium: rng.chance(0.7) ? 'display' : 'cpm',
        name: rng.pick(vocabulary.displayCampaigns),
        content: rng.pick(['300x250', '728x90', '320x50']),
      };
      return { channel, referrer: rng.pick(DISPLAY_PUBLISHERS), campaign, search: utmQuery(campaign, ''), landing: rng.chance(0.6) ? 'detail' : 'home' };
    }
  }
}
