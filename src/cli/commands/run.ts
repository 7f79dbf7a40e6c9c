import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, openStore } from '../store-option.js';
import { compilePipeline } from '../../pipeline/compiled-pipeline.js';
import { KafkaRunner } from '../../sources/kafka/kafka-runner.js';
import { kafkaRunOptionsSchema } from '../../sources/kafka/kafka-options.js';
import { probeBrokers } from '../../sources/kafka/broker-probe.js';
import { createLogger } from '../../observability/logger.js';
import { createMetricsRegistry } from '../../observability/metrics.js';
import { startMetricsServer } from '../../observability/metrics-server.js';
import { parseDurationMs } from '../../core/duration.js';
import { issuesFromZod, summarizeIssues } from '../../events/issues.js';
import { NOTIFY_FLAGS, NOTIFY_HELP, notifiersFromFlags } from './alerts.js';
import { parsePort } from './serve.js';
import { startMapServer } from '../../server/map-server.js';

export const HELP = `journeys run — consume events from Kafka and keep the store current

Usage: journeys run --pipeline <name|file> --brokers host:port[,…] --topics t1[,t2] --group <id> [options]

${PIPELINE_HELP}
  --brokers <list>        bootstrap brokers ($KAFKA_BROKERS)
  --topics <list>         topics to consume, e.g. site-events,crm-events ($JOURNEYS_TOPICS)
  --group <id>            consumer group ($JOURNEYS_GROUP)
  --until-caught-up       stop (checkpoint, commit, leave) once every partition reached
                          the high-water mark it had at start: for backfills and tests
  --metrics-port <n>      serve /metrics and /healthz on <n> ($JOURNEYS_METRICS_PORT; host 127.0.0.1
                          or $JOURNEYS_METRICS_HOST)
  --checkpoint-every <d>  checkpoint open sessions and commit offsets this often (default 15s)
  --idle-after <d>        a quiet partition advances its watermark by the clock after this (default 30s)
  --dead-letter-suffix <s> invalid records go to <topic><s> (default .dead)
  --dead-letter-max-bytes <n>  largest dead-letter message; a longer value is cut, with a
                          journeys-truncated header (default 65536; the dead_letters table keeps it whole)
  --lag-every <d>         how often journeys_consumer_lag is read from the brokers (default 5s)
  --session-timeout <d>   group session timeout: how long a dead member holds its partitions (default 30s)
  --serve-map <port>      also serve the journey map of the store on <port> (as journeys serve, host
                          127.0.0.1 or $JOURNEYS_MAP_HOST): an embedded store is open in this process only
Alerts of the journey definition are evaluated after every rollup rebuild (30 s):
${NOTIFY_HELP}
${STORE_HELP}

Partitioning contract: producers key site events by anonymousId (else userId) and CRM
events by contactId (the pipeline's identity order); give every topic the same partition
count. Partition p of every topic is sessionized by one group member. Stop with Ctrl-C
(SIGINT) or SIGTERM: the batch finishes, state is checkpointed, offsets committed.`;

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map((item) => item.trim()).filter(Boolean);
}

/** The lag is read with a metadata request per topic: more than once a second would only load the brokers. */
function lagEvery(value: string | undefined): number | undefined {
  const ms = duration('lag-every', value);
  if (ms !== undefined && ms < 1_000) throw new UsageError(`--lag-every takes at least 1s (got "${value}")`);
  return ms;
}

function duration(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new UsageError(`--${name} takes a duration such as 5s, 1m (got "${value}")`);
  return ms;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('run', argv, {
    pipeline: { type: 'string' },
    brokers: { type: 'string' },
    topics: { type: 'string' },
    group: { type: 'string' },
    'until-caught-up': { type: 'boolean' },
    'metrics-port': { type: 'string' },
    'checkpoint-every': { type: 'string' },
    'idle-after': { type: 'string' },
    'dead-letter-suffix': { type: 'string' },
    'dead-letter-max-bytes': { type: 'string' },
    'session-timeout': { type: 'string' },
    'lag-every': { type: 'string' },
    'serve-map': { type: 'string' },
    ...NOTIFY_FLAGS,
    ...STORE_FLAG,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const { definition } = requirePipeline('run', values.pipeline);
  const parsed = kafkaRunOptionsSchema.safeParse({
    brokers: list(values.brokers ?? process.env['KAFKA_BROKERS']),
    topics: list(values.topics ?? process.env['JOURNEYS_TOPICS']),
    groupId: values.group ?? process.env['JOURNEYS_GROUP'],
    untilCaughtUp: values['until-caught-up'] ?? false,
    checkpointIntervalMs: duration('checkpoint-every', values['checkpoint-every']),
    idleAfterMs: duration('idle-after', values['idle-after']),
    deadLetterSuffix: values['dead-letter-suffix'],
    deadLetterMaxBytes: values['dead-letter-max-bytes'] === undefined ? undefined : Number(values['dead-letter-max-bytes']),
    sessionTimeoutMs: duration('session-timeout', values['session-timeout']),
  });
  if (!parsed.success) {
    throw new UsageError(`${summarizeIssues(issuesFromZod(parsed.error))}\nGive --brokers, --topics and --group (or KAFKA_BROKERS, JOURNEYS_TOPICS, JOURNEYS_GROUP).`);
  }
  const logger = createLogger({ component: 'run' });
  const registry = createMetricsRegistry();
  // Flag mistakes surface before the store is opened (and locked).
  const notifiers = notifiersFromFlags(values);
  const mapPort = values['serve-map'] === undefined ? undefined : parsePort(values['serve-map'], 8080, 'serve-map');
  await probeBrokers(parsed.data.brokers);
  const store = await openStore(values, { migrate: true });
  const runner = new KafkaRunner({
    pipeline: compilePipeline(definition),
    store,
    options: parsed.data,
    logger,
    registry,
    lagIntervalMs: lagEvery(values['lag-every']),
    emailSalt: process.env['JOURNEYS_EMAIL_SALT'],
    notifiers,
  });
  const portText = values['metrics-port'] ?? process.env['JOURNEYS_METRICS_PORT'];
  const server = portText
    ? await startMetricsServer({ port: Number(portText), host: process.env['JOURNEYS_METRICS_HOST'] ?? '127.0.0.1', registry, healthy: () => ({ ok: !runner.stopped, detail: `partitions ${runner.assignedPartitions.join(',') || 'none'}` }) })
    : undefined;
  const mapServer =
    mapPort === undefined
      ? undefined
      : await startMapServer({ store, definition, port: mapPort, host: process.env['JOURNEYS_MAP_HOST'] ?? '127.0.0.1', logger: logger.child({ component: 'map' }) });
  if (mapServer) logger.info({ address: mapServer.address() }, 'serving the journey map');
  const stop = (signal: string) => {
    logger.info({ signal }, 'stopping');
    void runner.stop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  try {
    await runner.start();
    await runner.done;
  } finally {
    server?.close();
    mapServer?.close();
    await store.close();
  }
  return 0;
}
