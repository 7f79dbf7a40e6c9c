import { pino, type DestinationStream, type Level, type Logger } from 'pino';

/**
 * JSON logs on stderr with a stable shape: `level` as a label, `time` as ISO
 * text, `component` naming the part that logs, `msg` the message. stdout
 * stays free for results. Libraries that log (kafkajs) write through this
 * logger too (src/sources/kafka/kafka-client.ts), so every line has this shape.
 * `destination` replaces stderr (tests).
 */
export function createLogger(options: { level?: string; component: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level ?? process.env['JOURNEYS_LOG_LEVEL'] ?? 'info',
      base: { component: options.component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination(2),
  );
}

export type { Level, Logger };
