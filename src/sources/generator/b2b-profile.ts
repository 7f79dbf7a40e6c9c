import type { CampaignVocabulary, ChannelId } from './channels.js';
import type { Country } from './geo.js';
import type { Prng } from './prng.js';
import { DAY_MS, MINUTE_MS } from './time-format.js';
import { WeightedChoice } from './weighted-choice.js';

/**
 * The B2B funnel, in order (bottleneck.fromStage is one of these but the
 * last): site awareness → interest (product pages) → signup (demo request
 * or trial signup started) → lead → mql → sql → opportunity → proposal →
 * closed_won → onboarding. Renewals run in their own pipeline.
 */
export const B2B_STAGES = ['awareness', 'interest', 'signup', 'lead', 'mql', 'sql', 'opportunity', 'proposal', 'closed_won', 'onboarding'] as const;

/** Company size, reported in context.traits.segment. */
export const B2B_SEGMENTS = ['smb', 'mid_market', 'enterprise'] as const;
export type B2bSegment = (typeof B2B_SEGMENTS)[number];

export const B2B_SITE = { origin: 'https://www.flowdesk.example', titleSuffix: ' | Flowdesk' } as const;
export const B2B_APP = { origin: 'https://app.flowdesk.example', titleSuffix: ' – Flowdesk' } as const;

export const B2B_SEGMENT_CHOICE = new WeightedChoice<B2bSegment>([
  ['smb', 62],
  ['mid_market', 28],
  ['enterprise', 10],
]);

export const B2B_CHANNELS = new WeightedChoice<ChannelId>([
  ['organic_search', 34],
  ['direct', 20],
  ['paid_search', 16],
  ['social', 12],
  ['referral', 8],
  ['email', 6],
  ['display', 4],
]);

/** Per segment: probability that an interested session turns into a demo request or trial signup, and deal sizes. */
export const B2B_ODDS: Record<B2bSegment, { intent: number; demoShare: number; minDeal: number; maxDeal: number }> = {
  smb: { intent: 0.035, demoShare: 0.25, minDeal: 2_400, maxDeal: 12_000 },
  mid_market: { intent: 0.032, demoShare: 0.6, minDeal: 15_000, maxDeal: 60_000 },
  enterprise: { intent: 0.03, demoShare: 0.9, minDeal: 60_000, maxDeal: 250_000 },
};

export const B2B_VOCABULARY: CampaignVocabulary = {
  paidSearchCampaigns: ['brand', 'competitor_conquest', 'helpdesk_software_generic', 'crm_integration'],
  searchTerms: ['help desk software', 'flowdesk pricing', 'zendesk alternative', 'shared inbox for teams', 'customer support tool'],
  socialCampaigns: ['linkedin_thought_leadership', 'webinar_q4', 'g2_badge'],
  emailCampaigns: ['product_update_nov', 'webinar_invite', 'trial_nurture_3'],
  displayCampaigns: ['retargeting_pricing', 'abm_enterprise'],
  referralPages: ['https://www.g2.com/categories/help-desk', 'https://www.capterra.com/help-desk-software/', 'https://www.producthunt.com/posts/flowdesk'],
};

export const BLOG_POSTS = ['reduce-first-response-time', 'support-kpis-2026', 'shared-inbox-vs-help-desk', 'customer-service-ai-guide', 'csat-vs-nps'] as const;
export const PRODUCT_PAGES = [
  { name: 'Features', path: '/features', title: 'Features' },
  { name: 'Pricing', path: '/pricing', title: 'Pricing' },
  { name: 'Integrations', path: '/integrations', title: 'Integrations' },
  { name: 'Customers', path: '/customers', title: 'Customer stories' },
  { name: 'Security', path: '/security', title: 'Security & compliance' },
] as const;

const FIRST_NAMES = ['jane', 'john', 'maria', 'lukas', 'sofia', 'arjun', 'emma', 'noah', 'chloe', 'mateo', 'yuki', 'olivia', 'liam', 'ana', 'pierre'] as const;
const LAST_NAMES = ['doe', 'smith', 'garcia', 'muller', 'rossi', 'patel', 'martin', 'silva', 'kowalski', 'tanaka', 'jansen', 'dubois', 'brown'] as const;
const COMPANY_STEMS = ['northwind', 'contoso', 'fabrikam', 'globex', 'initech', 'umbrella', 'acme', 'hooli', 'vandelay', 'tyrell', 'soylent', 'wonka', 'aperture', 'oscorp', 'blue-sun', 'pied-piper'] as const;
const COMPANY_SUFFIXES = ['logistics', 'health', 'retail', 'labs', 'finance', 'media', 'foods', 'energy', 'travel', 'software'] as const;

/** A person at a company: name and work email. */
export interface Person {
  company: string;
  email: string;
}

export function randomPerson(rng: Prng): Person {
  const company = `${rng.pick(COMPANY_STEMS)}-${rng.pick(COMPANY_SUFFIXES)}`;
  const email = `${rng.pick(FIRST_NAMES)}.${rng.pick(LAST_NAMES)}${rng.chance(0.3) ? rng.int(2, 99) : ''}@${company}.example`;
  return { company, email };
}

/** Deal currency by the buyer's country. */
export function dealCurrency(country: Country): string {
  if (country.currency === 'GBP') return 'GBP';
  return country.currency === 'EUR' || ['PL', 'SE'].includes(country.code) ? 'EUR' : 'USD';
}

const BUSINESS_START_MS = 8.5 * 60 * MINUTE_MS;
const BUSINESS_END_MS = 18 * 60 * MINUTE_MS;

/** Moves a time into the contact's office hours (Mon–Fri 08:30–18:00 local), where CRM work happens. */
export function businessTime(ms: number, country: Country, rng: Prng): number {
  const offsetMs = country.utcOffsetMinutes * MINUTE_MS;
  let local = ms + offsetMs;
  for (let guard = 0; guard < 8; guard++) {
    const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
    const weekday = (Math.floor(local / DAY_MS) + 3) % 7; // Monday = 0 (1970-01-01 was a Thursday)
    const msOfDay = local - dayStart;
    if (weekday >= 5) local = dayStart + (7 - weekday) * DAY_MS + BUSINESS_START_MS + rng.int(0, 120 * MINUTE_MS);
    else if (msOfDay < BUSINESS_START_MS) local = dayStart + BUSINESS_START_MS + rng.int(0, 90 * MINUTE_MS);
    else if (msOfDay > BUSINESS_END_MS) local = dayStart + DAY_MS + BUSINESS_START_MS + rng.int(0, 120 * MINUTE_MS);
    else break;
  }
  return local - offsetMs;
}
