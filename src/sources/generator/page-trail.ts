import type { Acquisition } from './channels.js';
import type { PageContext, PageView, SegmentWriter, SiteVisitor } from './segment-writer.js';

/** A page to open: Segment page name, path, title (the site suffix is appended) and own query. */
export interface PageSpec {
  name: string;
  path: string;
  title: string;
  /** The page's own query string, e.g. '?q=shoes'. */
  search?: string;
}

/**
 * The pages of one session, in order: the landing page carries the
 * acquisition (external referrer, utm query, context.campaign); every later
 * page has the previous page as referrer and no campaign, as analytics.js
 * reports a multi-page site.
 */
export class PageTrail {
  private view: PageView | undefined;

  constructor(
    private readonly writer: SegmentWriter,
    private readonly visitor: SiteVisitor,
    private readonly acquisition: Acquisition,
    private readonly site: { origin: string; titleSuffix: string },
  ) {}

  /** Opens a page (emits the page call) and returns the view the track calls fired on it use. */
  open(eventMs: number, spec: PageSpec): PageView {
    const landing = this.view === undefined;
    // The landing URL keeps its utm query; a page's own query (?q=…) is appended to it.
    let search = spec.search ?? '';
    const utm = landing ? this.acquisition.search : '';
    if (utm !== '') search = search === '' ? utm : `${utm}&${search.slice(1)}`;
    const page: PageContext = {
      path: spec.path,
      url: this.site.origin + spec.path + search,
      referrer: landing ? this.acquisition.referrer : (this.view?.context.page.url ?? ''),
      title: `${spec.title}${this.site.titleSuffix}`,
      search,
    };
    const view = this.writer.pageView(this.visitor, page, landing ? this.acquisition.campaign : undefined);
    this.view = view;
    this.writer.page(this.visitor, view, eventMs, spec.name);
    return view;
  }

  /** The current page view; a session always opens its landing page first. */
  get current(): PageView {
    if (this.view === undefined) throw new Error('PageTrail.current before the landing page was opened');
    return this.view;
  }
}
