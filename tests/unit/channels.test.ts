import { describe, expect, it } from 'vitest';
import { defaultChannel } from '../../src/journey/default-channel.js';
import { compileChannelClassifier } from '../../src/journey/channel-rules.js';
import { EMPTY_CAMPAIGN, type JourneyEvent } from '../../src/events/journey-event.js';

function site(overrides: { medium?: string; source?: string; referrer?: string; pageUrl?: string }): JourneyEvent {
  return {
    eventId: 'e', source: 'site', type: 'page', name: '', timestampMs: 0, receivedAtMs: 0, key: 'a:x', anonymousId: 'x', userId: '', contactId: '',
    emailHash: '', sourceSessionId: '', pageUrl: overrides.pageUrl ?? 'https://shop.example/p', pagePath: '/p', referrer: overrides.referrer ?? '',
    campaign: { ...EMPTY_CAMPAIGN, medium: overrides.medium ?? '', source: overrides.source ?? '' },
    userAgent: '', locale: '', country: '', properties: {}, context: {}, nps: null, csat: null,
  };
}

describe('default channel grouping', () => {
  it.each([
    [{}, 'Direct'],
    [{ referrer: 'https://shop.example/cart' }, 'Direct'],
    [{ referrer: 'https://WWW.Shop.Example/cart', pageUrl: 'https://shop.example/p' }, 'Direct'],
    [{ referrer: 'https://shop.example/cart', pageUrl: 'https://www.shop.example/p' }, 'Direct'],
    [{ referrer: 'https://wwwshop.example/' }, 'Referral'],
    [{ referrer: 'https://www.google.com/' }, 'Organic Search'],
    [{ referrer: 'https://duckduckgo.com/' }, 'Organic Search'],
    [{ medium: 'cpc', source: 'google' }, 'Paid Search'],
    [{ medium: 'ppc', source: 'bing' }, 'Paid Search'],
    [{ referrer: 'https://t.co/abc' }, 'Social'],
    [{ referrer: 'https://m.facebook.com/' }, 'Social'],
    [{ medium: 'paid_social', source: 'instagram' }, 'Social'],
    [{ medium: 'email', source: 'newsletter' }, 'Email'],
    [{ source: 'newsletter' }, 'Email'],
    [{ medium: 'display' }, 'Display'],
    [{ medium: 'cpm' }, 'Display'],
    [{ medium: 'referral' }, 'Referral'],
    [{ referrer: 'https://someblog.example/post' }, 'Referral'],
    [{ medium: 'carrier-pigeon' }, '(Other)'],
  ])('%j → %s', (overrides, channel) => {
    expect(defaultChannel(site(overrides))).toBe(channel);
  });

  it.each([
    ['call', 'Phone'],
    ['email', 'Email'],
    ['meeting', 'Meeting'],
    ['store_visit', 'Store'],
    ['chat', 'Chat'],
  ])('CRM activity over %s → %s', (channel, expected) => {
    expect(defaultChannel({ ...site({}), source: 'crm', type: 'crm', name: 'activity', properties: { channel } })).toBe(expected);
  });

  it('custom rules come first', () => {
    const classify = compileChannelClassifier([{ name: 'Affiliates', when: { where: { 'campaign.medium': { equals: 'affiliate' } } } }]);
    expect(classify(site({ medium: 'affiliate' }))).toBe('Affiliates');
    expect(classify(site({ medium: 'cpc' }))).toBe('Paid Search');
  });
});
