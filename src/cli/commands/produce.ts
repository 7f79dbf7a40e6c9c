import type { Message } from 'kafkajs';
import { parseFlags } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { createProgress } from '../progress.js';
import { GENERATOR_FLAGS, generatorOptionsFromFlags } from './generate.js';
import { compilePipeline, type CompiledPipeline, type RawRecord } from '../../pipeline/compiled-pipeline.js';
import { batches, formatOf, inputBatches, readCsv } from '../../sources/file-source.js';
import { inputProblem } from '../../sources/input-errors.js';
import { createKafkaClient } from '../../sources/kafka/kafka-client.js';
import { createLogger } from '../../observability/logger.js';
import { generateEvents, type GeneratorOptionsInput } from '../../sources/generator/index.js';
import { partitionKeyOf } from '../../sources/kafka/partition-key.js';
import { probeBrokers } from '../../sources/kafka/broker-probe.js';
import { recordMessage } from '../../sources/kafka/record-message.js';
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

/** Generated lines as the text of a file, a thousand lines at a time. */
async function* generatedText(options: GeneratorOptionsInput): AsyncGenerator<string> {
  let lines: string[] = [];
  for (const item of generateEvents(options)) {
    lines.push(item.line);
    if (lines.length === SEND_BATCH) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

async function* generated(options: GeneratorOptionsInput): AsyncGenerator<RawRecord> {
  let line = 0;
  for (const item of generateEvents(options)) {
    line++;
    if (item.line.trim() !== '') yield { raw: item.line, origin: { kind: 'generator', line } };
  }
}

/**
 * A Kafka message per record, keyed by the identity the pipeline sessionizes
 * by; a CSV row carries its file's header line (see recordMessage).
 */
function toMessage(record: RawRecord, pipeline: CompiledPipeline, csvHeaderLine: string | undefined): Message {
  const decoded = pipeline.decode(record, { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: undefined, receivedAtMs: Date.now() });
  const key = decoded.kind === 'ok' ? partitionKeyOf(decoded.value, pipeline.definition.identity) : null;
  return recordMessage(record, { key, csvHeaderLine });
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
  let generate: GeneratorOptionsInput | undefined;
  let pipelineName: string;
  if (values.generate) {
    generate = generatorOptionsFromFlags(values);
    pipelineName = values.pipeline ?? generate.scenario ?? 'ecommerce';
  } else {
    const input = values.input!;
    const problem = inputProblem(input);
    if (problem) throw new UsageError(problem);
    if (!values.pipeline) throw new UsageError('--input needs --pipeline, whose identity order gives the message keys');
    pipelineName = values.pipeline;
  }
  const pipeline = compilePipeline(requirePipeline('produce', pipelineName).definition);
  // Set by the CSV reader before its first row: every row's message carries it.
  let csvHeaderLine: string | undefined;
  const onHeader = (line: string) => (csvHeaderLine = line);
  const csv = pipeline.definition.csv;
  const delimiter = csv?.delimiter ?? ',';
  let recordBatches: AsyncIterable<RawRecord[]>;
  if (generate) {
    // Generated CSV (rees46) is read as a CSV file is, so its rows go out as CSV messages.
    recordBatches =
      generate.scenario === 'rees46'
        ? batches(readCsv('generator', { delimiter, mapping: csv, onHeader, input: generatedText(generate) }), SEND_BATCH)
        : batches(generated(generate), SEND_BATCH);
  } else {
    const input = values.input!;
    const format = formatOf(input);
    recordBatches = inputBatches(input, { format, delimiter, csv, size: SEND_BATCH, onCsvHeader: onHeader });
  }
  await probeBrokers(brokers);
  const kafka = createKafkaClient({ clientId: 'journeys-produce', brokers, logger: createLogger({ component: 'produce' }) });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const progress = createProgress(`producing to ${values.topic}`);
  let sent = 0;
  try {
    for await (const batch of recordBatches) {
      await producer.send({ topic: values.topic, acks: -1, messages: batch.map((record) => toMessage(record, pipeline, csvHeaderLine)) });
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
