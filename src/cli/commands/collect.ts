import { randomUUID } from 'node:crypto';
import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, openStore } from '../store-option.js';
import { parsePort } from './serve.js';
import { startMapServer } from '../../server/map-server.js';
import { compilePipeline } from '../../pipeline/compiled-pipeline.js';
import { createLogger } from '../../observability/logger.js';
import { createMetricsRegistry } from '../../observability/metrics.js';
import { createKafkaClient } from '../../sources/kafka/kafka-client.js';
import { probeBrokers } from '../../sources/kafka/broker-probe.js';
import { hubspotMappingOf } from '../../sources/hubspot/mapping.js';
import { parseDurationMs } from '../../core/duration.js';
import { createCollectorServer } from '../../collector/collector-server.js';
import { CollectorMetrics } from '../../collector/collector-metrics.js';
import { KafkaSink } from '../../collector/kafka-sink.js';
import { StoreSink } from '../../collector/store-sink.js';
import { WriteKeys, writeKeysFromList } from '../../collector/write-keys.js';
import type { EventSink } from '../../collector/event-sink.js';
import type { Store } from '../../stores/store.js';

export const HELP = `journeys collect — an HTTP collector for sites and CRMs (Segment-compatible, HubSpot webhooks)

Usage: journeys collect --pipeline <p> [--port 8088] [--host 127.0.0.1] [--write-key KEY …]
                        (--brokers host:port[,…] --topic <t> | --store <spec>)

${PIPELINE_HELP}
  --port <n>             port (default 8088)
  --host <addr>          address to listen on (default 127.0.0.1: this machine only)
  --write-key <key>      a write key the SDKs send (repeat for several; also $JOURNEYS_WRITE_KEYS,
                         comma-separated). Without any, every call is accepted: keep --host local then.
  --brokers <list>       publish to Kafka (or $KAFKA_BROKERS), acknowledged by every in-sync replica
  --topic <t>            the topic journeys run consumes (needed with --brokers)
${STORE_HELP}
                         without --brokers, events go straight into this store (one machine)
  --hubspot-secret <s>   the HubSpot app's client secret: turns on POST /hubspot (or $HUBSPOT_CLIENT_SECRET)
  --hubspot-url <url>    the public URL HubSpot calls, which it signs (default: rebuilt from Host)
  --max-in-flight <MB>   most request bytes waiting for Kafka or the store (default 64); beyond, 503
  --refresh-every <d>    with --store: how often rollups are rebuilt (default 30s)
  --serve-map <port>     with --store: also serve the journey map of the store on <port>, as
                         journeys serve does (host $JOURNEYS_MAP_HOST, default 127.0.0.1): an
                         embedded store is opened by one process at a time, this one

Endpoints: POST /v1/track, /v1/page, /v1/screen, /v1/identify, /v1/alias, /v1/group, /v1/batch
(Segment's and RudderStack's paths; write key as Basic auth or "writeKey" in the body),
POST /hubspot, GET /healthz, GET /metrics. A 200 means the events are durable.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('collect', argv, {
    pipeline: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'write-key': { type: 'string', multiple: true },
    brokers: { type: 'string' },
    topic: { type: 'string' },
    'hubspot-secret': { type: 'string' },
    'hubspot-url': { type: 'string' },
    'max-in-flight': { type: 'string' },
    'refresh-every': { type: 'string' },
    'serve-map': { type: 'string' },
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('collect', values.pipeline ?? process.env['JOURNEYS_PIPELINE']);
  const pipeline = compilePipeline(definition);
  const port = parsePort(values.port, 8088, 'port');
  const host = values.host ?? '127.0.0.1';
  const writeKeys = new WriteKeys([...(values['write-key'] ?? []), ...writeKeysFromList(process.env['JOURNEYS_WRITE_KEYS'])]);
  const maxInFlightMb = values['max-in-flight'] === undefined ? 64 : Number(values['max-in-flight']);
  if (!Number.isFinite(maxInFlightMb) || maxInFlightMb <= 0) throw new UsageError(`--max-in-flight takes megabytes > 0 (got "${values['max-in-flight']}")`);
  const refreshIntervalMs = values['refresh-every'] === undefined ? 30_000 : parseDurationMs(values['refresh-every']);
  if (refreshIntervalMs === undefined || refreshIntervalMs < 1_000) throw new UsageError(`--refresh-every takes a duration of at least 1s, such as 30s or 5m (got "${values['refresh-every']}")`);
  if (values.brokers && values.store) throw new UsageError('give --brokers (publish to Kafka) or --store (ingest here), not both');
  const brokers = (values.store ? '' : (values.brokers ?? process.env['KAFKA_BROKERS'] ?? '')).split(',').filter(Boolean);
  if (brokers.length > 0 && !values.topic) throw new UsageError('publishing to Kafka needs --topic <name> (the topic journeys run consumes)');
  const mapPort = values['serve-map'] === undefined ? undefined : parsePort(values['serve-map'], 8080, 'serve-map');
  if (mapPort !== undefined && brokers.length > 0) throw new UsageError('--serve-map serves the store this collector writes (--store); with --brokers, serve the map from journeys run --serve-map');
  const hubspotSecret = values['hubspot-secret'] ?? process.env['HUBSPOT_CLIENT_SECRET'];
  const logger = createLogger({ component: 'collect' });
  const registry = createMetricsRegistry();

  let sink: EventSink;
  let store: Store | undefined;
  if (brokers.length > 0) {
    await probeBrokers(brokers);
    sink = await KafkaSink.open(createKafkaClient({ clientId: 'journeys-collect', brokers, logger }), values.topic!);
  } else {
    store = await openStore(values, { migrate: true });
    try {
      sink = await StoreSink.open({ store, pipeline, logger, emailSalt: process.env['JOURNEYS_EMAIL_SALT'], refreshIntervalMs });
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  const server = createCollectorServer({
    registry,
    maxInFlightBytes: maxInFlightMb * 1024 * 1024,
    context: {
      pipeline,
      sink,
      metrics: new CollectorMetrics(registry),
      writeKeys,
      emailSalt: process.env['JOURNEYS_EMAIL_SALT'],
      logger,
      clock: Date.now,
      requestId: randomUUID,
      hubspot: hubspotSecret ? { clientSecret: hubspotSecret, mapping: hubspotMappingOf(definition), publicUrl: values['hubspot-url'] } : undefined,
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    await sink.close();
    await store?.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: choose another with --port`);
    throw error;
  }
  let mapServer: Awaited<ReturnType<typeof startMapServer>> | undefined;
  if (mapPort !== undefined && store) {
    try {
      mapServer = await startMapServer({ store, definition, port: mapPort, host: process.env['JOURNEYS_MAP_HOST'] ?? '127.0.0.1', logger: logger.child({ component: 'map' }) });
    } catch (error) {
      server.close();
      await sink.close();
      await store.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new UsageError(`port ${mapPort} is in use: choose another with --serve-map`);
      throw error;
    }
  }
  const address = server.address();
  const shown = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : String(address);
  const target = brokers.length > 0 ? `Kafka topic ${values.topic}` : 'the store';
  console.log(`Collecting ${definition.name} events at ${shown}/v1/… into ${target}${hubspotSecret ? `, HubSpot webhooks at ${shown}/hubspot` : ''} (Ctrl-C to stop)`);
  if (mapServer) {
    const mapAddress = mapServer.address();
    if (typeof mapAddress === 'object' && mapAddress) console.log(`Serving the journey map at http://${mapAddress.address}:${mapAddress.port}/`);
  }
  if (writeKeys.open) console.error('warning: no write key configured (--write-key or JOURNEYS_WRITE_KEYS): every call is accepted');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping: answering the requests in flight, then closing');
      server.close(() => resolve());
      server.closeIdleConnections();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  mapServer?.close();
  await sink.close();
  await store?.close();
  return 0;
}
