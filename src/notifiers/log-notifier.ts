import { pino, type Logger } from 'pino';
import type { AlertNotice, AlertNotifier } from './notifier.js';

/**
 * Writes each notice as one structured pino line: `warn` when an alert
 * fires, `info` when it resolves. Without a logger, to stderr, so that a
 * command's stdout (tables, --json) stays clean.
 */
export function createLogNotifier(options: { logger?: Logger } = {}): AlertNotifier {
  const logger = options.logger ?? pino({ name: 'journeys-alerts' }, pino.destination({ fd: 2, sync: true }));
  return {
    name: 'log',
    async notify(notice: AlertNotice): Promise<void> {
      const { message, ...fields } = notice;
      if (notice.state === 'fired') logger.warn({ alert: fields }, message);
      else logger.info({ alert: fields }, message);
    },
  };
}
