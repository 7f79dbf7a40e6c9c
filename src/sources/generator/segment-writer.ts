import type { CampaignContext } from './channels.js';
import type { EventScheduler } from './event-scheduler.js';
import type { Prng } from './prng.js';
import { formatIsoMs } from './time-format.js';

/** What a Segment message needs to know about the browser it came from. */
export interface SiteVisitor {
  anonymousId: string;
  /** Set once the visitor logged in or signed up. */
  userId: string | undefined;
  /** Device clock error in ms (0 for a correct clock): shifts originalTimestamp and sentAt alike. */
  clockSkewMs: number;
  userAgent: string;
  locale: string;
  /** `context.location` ({ country }), shared by every message of the visitor. */
  location: { country: string };
  /** `context.traits` ({ segment }), shared by every message of the visitor. */
  traits: { segment: string };
  ip: string;
}

/** context.page, as analytics.js sends it. */
export interface PageContext {
  path: string;
  url: string;
  referrer: string;
  title: string;
  search: string;
}

/** The context object of every message sent from one page view. */
export interface SegmentContext {
  page: PageContext;
  campaign: CampaignContext | undefined;
  userAgent: string;
  locale: string;
  location: { country: string };
  traits: { segment: string };
  ip: string;
  library: { name: string; version: string };
}

/**
 * One page view's context, serialised once: every call fired on the page
 * reuses the JSON instead of stringifying the (largest) part of the message again.
 */
export interface PageView {
  readonly context: SegmentContext;
  readonly contextJson: string;
  /** context.page as JSON: the page call's properties repeat it, as analytics.js does. */
  readonly pageJson: string;
}

const LIBRARY = Object.freeze({ name: 'analytics.js', version: 'next-1.64.0' });
const LIBRARY_JSON = JSON.stringify(LIBRARY);

/**
 * Serialises Segment spec messages (page, track, identify) and hands them to
 * the scheduler. Delivery timing follows analytics.js: sentAt is
 * originalTimestamp + 0–3 s (+ lateness), receivedAt sentAt + 50–500 ms; a
 * skewed device clock shifts originalTimestamp and sentAt by the same amount
 * and `timestamp` is then left out, so consumers must correct it as
 * receivedAt − (sentAt − originalTimestamp).
 */
export class SegmentWriter {
  /** The visitor-level tail of context JSON (userAgent … library), built once per visitor. */
  private readonly contextTails = new WeakMap<SiteVisitor, string>();

  constructor(
    private readonly scheduler: EventScheduler,
    private readonly rng: Prng,
  ) {}

  /** The context for messages sent from one page (campaign only on the landing page, as analytics.js does). */
  pageView(visitor: SiteVisitor, page: PageContext, campaign: CampaignContext | undefined): PageView {
    const context: SegmentContext = {
      page,
      campaign,
      userAgent: visitor.userAgent,
      locale: visitor.locale,
      location: visitor.location,
      traits: visitor.traits,
      ip: visitor.ip,
      library: LIBRARY,
    };
    let tail = this.contextTails.get(visitor);
    if (tail === undefined) {
      // Spelled out (an object rest/spread here costs microseconds per visitor in V8).
      tail =
        `"userAgent":${JSON.stringify(visitor.userAgent)},"locale":${JSON.stringify(visitor.locale)},` +
        `"location":${JSON.stringify(visitor.location)},"traits":${JSON.stringify(visitor.traits)},` +
        `"ip":${JSON.stringify(visitor.ip)},"library":${LIBRARY_JSON}}`;
      this.contextTails.set(visitor, tail);
    }
    // path, url, referrer and search are URL-safe by construction (slugs, fixed vocabularies,
    // encodeURIComponent): they need no JSON escaping, and plain concatenation avoids flattening
    // them here. The title may hold quotes (14" Laptop) and is escaped.
    const pageJson = `{"path":"${page.path}","url":"${page.url}","referrer":"${page.referrer}","title":${JSON.stringify(page.title)},"search":"${page.search}"}`;
    const campaignJson = campaign === undefined ? '' : `"campaign":${JSON.stringify(campaign)},`;
    // Same bytes as JSON.stringify(context), without re-serialising the visitor's constant part per page.
    return { context, contextJson: `{"page":${pageJson},${campaignJson}${tail}`, pageJson };
  }

  page(visitor: SiteVisitor, view: PageView, eventMs: number, name: string): void {
    this.write(visitor, view, eventMs, `{"type":"page","name":${JSON.stringify(name)}`, view.pageJson, undefined);
  }

  /** `properties` is an object, or its JSON when the caller has it cached (product properties). */
  track(visitor: SiteVisitor, view: PageView, eventMs: number, event: string, properties: object | string): void {
    const json = typeof properties === 'string' ? properties : JSON.stringify(properties);
    this.write(visitor, view, eventMs, `{"type":"track","event":${JSON.stringify(event)}`, json, undefined);
  }

  identify(visitor: SiteVisitor, view: PageView, eventMs: number, traits: object): void {
    this.write(visitor, view, eventMs, '{"type":"identify"', '{}', JSON.stringify(traits));
  }

  /**
   * Assembles the message by concatenation: the parts are JSON already
   * (ids and ISO times need no escaping; names go through JSON.stringify),
   * which is several times cheaper than stringifying a nested object per event.
   */
  private write(
    visitor: SiteVisitor,
    view: PageView,
    eventMs: number,
    opening: string,
    propertiesJson: string,
    traitsJson: string | undefined,
  ): void {
    if (!this.scheduler.inWindow(eventMs)) return;
    const rng = this.rng;
    const sentMs = eventMs + rng.int(0, 3_000) + this.scheduler.latenessMs();
    const receivedMs = sentMs + rng.int(50, 500);
    const skew = visitor.clockSkewMs;
    let line = `${opening},"messageId":"${rng.uuid()}","anonymousId":${JSON.stringify(visitor.anonymousId)}`;
    if (visitor.userId !== undefined) line += `,"userId":${JSON.stringify(visitor.userId)}`;
    if (skew === 0) line += `,"timestamp":"${formatIsoMs(eventMs)}"`;
    line += `,"originalTimestamp":"${formatIsoMs(eventMs + skew)}","sentAt":"${formatIsoMs(sentMs + skew)}","receivedAt":"${formatIsoMs(receivedMs)}"`;
    line += `,"context":${view.contextJson},"properties":${propertiesJson}`;
    if (traitsJson !== undefined) line += `,"traits":${traitsJson}`;
    this.scheduler.emit(receivedMs, `${line}}`);
  }
}
