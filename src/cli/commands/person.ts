import { parseFlags, parseTimeRange } from '../args.js';
import { UsageError } from '../cli-error.js';
import { PIPELINE_HELP, requirePipeline } from '../pipeline-option.js';
import { STORE_FLAG, STORE_HELP, withStore } from '../store-option.js';
import { IDENTIFIER_FLAGS, parseIdentifier } from '../person-identifier.js';
import { personTimelineJson, renderPersonTimeline, renderShared, sharedJson } from '../person-render.js';
import { readPersonTimeline } from '../../metrics/person-timeline.js';

export const HELP = `journeys person — one person's whole journey: identifiers, sessions, journeys and every event, across devices and the CRM

Usage: journeys person <identifier> --pipeline <name|file> [options]
       journeys person --user <id> | --anonymous <id> | --contact <id> | --email <address> --pipeline <name|file> [options]

  <identifier>           with its kind: u:<userId>, a:<anonymousId>, c:<contactId>, e:<salted email hash>
  --user <id>            the same as u:<id>; --anonymous a:<id>, --contact c:<id>
  --email <address>      hashed with JOURNEYS_EMAIL_SALT as ingest hashed it (needs the same salt)
${PIPELINE_HELP}
  --from <ISO>           events at or after this time (and the journeys that overlap the range)
  --to <ISO>             events before this time
  --json                 print one JSON object

Any identifier of a person finds the whole person (docs/semantics.md, "People").
A shared device (two people logged in on it) is no one person: its persons are listed.
The events are those of the named query person_journey (journeys sql person_journey
--param pipeline=… --param person=u:…): each with the identifier that decided its person.
${STORE_HELP}`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'person',
    argv,
    { pipeline: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, ...IDENTIFIER_FLAGS, ...STORE_FLAG },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const identifier = parseIdentifier(positionals, values, process.env['JOURNEYS_EMAIL_SALT']);
  const { definition } = requirePipeline('person', values.pipeline);
  const range = parseTimeRange(values);
  const lookup = await withStore(values, { migrate: true, requireDatabase: true }, (store) =>
    readPersonTimeline(store, { pipeline: definition.name, identifier, range }),
  );
  if (lookup.kind === 'unknown') {
    // A user's mistake (a misspelt id, another pipeline, another salt), like an unknown rule or query name.
    const salt = identifier.startsWith('e:') ? ' (is JOURNEYS_EMAIL_SALT the salt the events were ingested with?)' : '';
    throw new UsageError(`no person with identifier ${identifier} in pipeline ${definition.name}: no event, link or journey of it${salt}`);
  }
  if (lookup.kind === 'shared') console.log(values.json ? JSON.stringify(sharedJson(lookup)) : renderShared(lookup));
  else console.log(values.json ? JSON.stringify(personTimelineJson(lookup)) : renderPersonTimeline(lookup, definition.stages.map((s) => s.name)));
  return 0;
}
