import { pino, type Logger } from 'pino';

/**
 * JSON logs on stderr with a stable shape: `level` as a label, `time` as ISO
 * text, `component` naming the part that logs. stdout stays free for results.
 */
export function createLogger(options: { level?: string; component: string }): Logger {
  return pino(
    {
      level: options.level ?? process.env['JOURNEYS_LOG_LEVEL'] ?? 'info',
      base: { component: options.component },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination(2),
  );
}

export type { Logger };
