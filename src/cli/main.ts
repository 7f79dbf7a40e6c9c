import { readFileSync } from 'node:fs';
import { UsageError } from './cli-error.js';
import { DefinitionError } from '../journey/load-definition.js';
import { StoreError } from '../stores/store.js';
import { MissingDatabaseError } from '../stores/missing-database.js';
import { InputFormatError } from '../sources/input-errors.js';
import { BrokerUnreachableError } from '../sources/kafka/broker-probe.js';
import { OpenSessionLimitError } from '../pipeline/open-session-limit.js';

interface Command {
  HELP: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  demo: { summary: 'generate a week of traffic, ingest it and show the results', load: () => import('./commands/demo.js') },
  generate: { summary: 'write realistic NDJSON/CSV events for the shipped pipelines', load: () => import('./commands/generate.js') },
  ingest: { summary: 'read NDJSON or CSV events into the store', load: () => import('./commands/ingest.js') },
  run: { summary: 'consume events from Kafka and keep the store current', load: () => import('./commands/run.js') },
  collect: { summary: 'an HTTP collector: Segment-compatible calls and HubSpot webhooks to Kafka or the store', load: () => import('./commands/collect.js') },
  produce: { summary: 'publish events (a file or generated) to a Kafka topic', load: () => import('./commands/produce.js') },
  funnel: { summary: 'funnel by stage with drop-off and time to next stage', load: () => import('./commands/funnel.js') },
  abandonment: { summary: 'abandonment rates per rule (e.g. checkout → purchase within 1h)', load: () => import('./commands/abandonment.js') },
  bottlenecks: { summary: 'the stage transitions that lose the most, and the segments driving it', load: () => import('./commands/bottlenecks.js') },
  alerts: { summary: 'check or list abandonment/conversion alerts (check, list)', load: () => import('./commands/alerts.js') },
  map: { summary: 'the customer journey map as one offline HTML page (or --json)', load: () => import('./commands/map.js') },
  serve: { summary: 'the journey map served live from the store', load: () => import('./commands/serve.js') },
  person: { summary: "one person's journey across devices and the CRM: identifiers, sessions, events", load: () => import('./commands/person.js') },
  sql: { summary: 'run a named query (sql/queries, --list), a SQL file or a query', load: () => import('./commands/sql.js') },
  migrate: { summary: 'create or upgrade the ClickHouse tables', load: () => import('./commands/migrate.js') },
};

export const HELP = `journeys — customer-journey analytics: events → sessions → funnels in ClickHouse

Usage: journeys <command> [options]      (journeys <command> --help for its options)
       journeys --version

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join('\n')}

Start with: journeys demo`;

/** The version in package.json (two levels up from src/cli and from dist/cli alike). */
function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(manifest.version);
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(`journeys ${version()}`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`journeys: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await command.load()).run(rest);
  } catch (error) {
    if (error instanceof UsageError || error instanceof DefinitionError || error instanceof MissingDatabaseError || error instanceof InputFormatError) {
      console.error(`journeys ${name}: ${error.message}`);
      return 2;
    }
    if (error instanceof StoreError || error instanceof BrokerUnreachableError || error instanceof OpenSessionLimitError) {
      console.error(`journeys ${name}: ${error.message}`);
      return 1;
    }
    console.error(`journeys ${name} failed:`, error);
    return 1;
  }
}
