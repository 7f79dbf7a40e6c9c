import { Kafka, logLevel, type Message } from 'kafkajs';
import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { createProgress } from '../progress.js';
import { GENERATOR_FLAGS, generatorOptionsFromFlags } from './generate.js';
import { compilePipeline, type CompiledPipeline, type RawRecord } from '../../pipeline/compiled-pipeline.js';
import { batches, formatOf, inputBatches } from '../../sources/file-source.js';
import { inputProblem } from '../../sources/input-errors.js';
import { generateEvents } from '../../sources/generator/index.js';
import { partitionKeyOf } from '../../sources/kafka/partition-key.js';
import { probeBrokers } from '../../sources/kafka/broker-probe.js';
import { DEFAULT_LIMITS } from '../../events/limits.js';

export const HELP = `journeys produce — publish events to a Kafka topic, keyed per the partitioning contract

Usage: journeys produce --topic <t> --brokers host:port[,…] (--input <file|-> --pipeline <p> | --generate [options])

  --topic <t>             destination topic
  --brokers <list>        bootstrap brokers ($KAFKA_BROKERS)
  --input <file>          NDJSON or CSV file to replay (- for stdin)
${PIPELINE_HELP}
                          (keys come from the pipeline's identity order; invalid records get no key)
  --generate              publish generated events instead (then --scenario, --seed, --days,
                          --visitors-per-day, --start, --bottleneck, --spike, --clean as in journeys generate)`;

/** Messages per producer send. */
const SEND_BATCH = 1_000;

async function* generated(options: Parameters<typeof generateEvents>[0]): AsyncGenerator<RawRecord> {
  let line = 0;
  for (const item of generateEvents(options)) {
    line++;
    if (item.line.trim() !== '') yield { raw: item.line, origin: { kind: 'generator', line } };
  }
}

/** A Kafka message per record, keyed by the identity the pipeline sessionizes by. */
function toMessage(record: RawRecord, pipeline: CompiledPipeline): Message {
  const decoded = pipeline.decode(record, { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: undefined, receivedAtMs: Date.now() });
  return { key: decoded.kind === 'ok' ? partitionKeyOf(decoded.value, pipeline.definition.identity) : null, value: record.raw };
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseFlags('produce', argv, {
    topic: { type: 'string' },
    brokers: { type: 'string' },
    input: { type: 'string' },
    pipeline: { type: 'string' },
    generate: { type: 'boolean' },
    ...GENERATOR_FLAGS,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (!values.topic) throw new UsageError('journeys produce needs --topic <name>');
  const brokers = (values.brokers ?? process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new UsageError('journeys produce needs --brokers host:port (or KAFKA_BROKERS)');
  if (!values.generate && !values.input) throw new UsageError('give --input <file> (with --pipeline) or --generate');
  let recordBatches: AsyncIterable<RawRecord[]>;
  let pipelineName: string;
  if (values.generate) {
    const options = generatorOptionsFromFlags(values);
    pipelineName = values.pipeline ?? options.scenario ?? 'ecommerce';
    recordBatches = batches(generated(options), SEND_BATCH);
  } else {
    const input = values.input!;
    const problem = inputProblem(input);
    if (problem) throw new UsageError(problem);
    if (!values.pipeline) throw new UsageError('--input needs --pipeline, whose identity order gives the message keys');
    pipelineName = values.pipeline;
    recordBatches = inputBatches(input, { format: formatOf(input), delimiter: ',', size: SEND_BATCH });
  }
  const pipeline = compilePipeline(requirePipeline('produce', pipelineName).definition);
  await probeBrokers(brokers);
  const kafka = new Kafka({ clientId: 'journeys-produce', brokers, logLevel: logLevel.WARN });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const progress = createProgress(`producing to ${values.topic}`);
  let sent = 0;
  try {
    for await (const batch of recordBatches) {
      await producer.send({ topic: values.topic, acks: -1, messages: batch.map((record) => toMessage(record, pipeline)) });
      sent += batch.length;
      progress.update(sent);
    }
  } finally {
    progress.done(sent);
    await producer.disconnect();
  }
  console.error(`sent ${sent.toLocaleString('en-US')} messages to ${values.topic}`);
  return 0;
}
