/** What `journeys serve` tells the page about its own controls (re-exported by map-page.ts). */

/** The page's query as text, as it arrived (to prefill the form). */
export interface MapQueryText {
  from?: string;
  to?: string;
  level?: string;
  mode?: string;
  segment?: string;
  compare?: string;
  variant?: string;
}

export interface ServedControls {
  /** What the page shows now (to prefill the form). */
  query: MapQueryText;
  /** Choices for the segment select ('' = everyone). */
  segments: string[];
  levels: Array<'session' | 'person'>;
  /** The page polls `${apiPath}?<same query>` this often and re-renders when data_until or generated_at changed. */
  refreshSeconds: number;
  /** e.g. '/api/map'. */
  apiPath: string;
  /** e.g. '/': the form submits GET here. */
  pagePath: string;
}
