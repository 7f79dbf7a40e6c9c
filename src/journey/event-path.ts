import type { JourneyEvent } from '../events/journey-event.js';

/**
 * Reads a dot path from an event, as rules name them: `properties.total`,
 * `context.page.path`, `campaign.medium`, or a top-level field such as
 * `referrer`, `country`, `name`.
 */
export function compileEventPath(path: string): (event: JourneyEvent) => unknown {
  const parts = path.split('.');
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    return (event) => (event as unknown as Record<string, unknown>)[head!];
  }
  return (event) => {
    let value: unknown = (event as unknown as Record<string, unknown>)[head!];
    for (const part of rest) {
      if (typeof value !== 'object' || value === null) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value;
  };
}
