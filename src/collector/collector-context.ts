import type { Logger } from 'pino';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';
import type { HubSpotMapping } from '../sources/hubspot/mapping.js';
import type { EventSink } from './event-sink.js';
import type { CollectorMetrics } from './collector-metrics.js';
import type { WriteKeys } from './write-keys.js';

/** What every route of the collector works with. */
export interface CollectorContext {
  pipeline: CompiledPipeline;
  sink: EventSink;
  metrics: CollectorMetrics;
  writeKeys: WriteKeys;
  emailSalt: string | undefined;
  logger: Logger;
  clock: () => number;
  /** A new id for a request: its records' origin, so a dead letter names the request it came in. */
  requestId: () => string;
  /** HubSpot webhooks, when a client secret is configured. */
  hubspot: HubSpotWebhooks | undefined;
}

export interface HubSpotWebhooks {
  clientSecret: string;
  mapping: HubSpotMapping;
  /**
   * The public URL HubSpot calls (it signs it), e.g.
   * `https://collector.example.com/hubspot`; without it the URL is rebuilt
   * from the request's Host header and `http:`, right only without a proxy.
   */
  publicUrl: string | undefined;
}
