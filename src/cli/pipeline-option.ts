import { fileURLToPath } from 'node:url';
import { loadDefinition } from '../journey/load-definition.js';
import type { JourneyDefinition } from '../journey/definition-schema.js';
import { UsageError } from './cli-error.js';

/** The repository's pipelines/ folder: names given to --pipeline are looked up there. */
export const PIPELINES_DIR = fileURLToPath(new URL('../../pipelines/', import.meta.url));

export const PIPELINE_HELP = '  --pipeline <name|file> journey definition: a YAML path or a name in pipelines/ (ecommerce, b2b-saas, rees46; or $JOURNEYS_PIPELINE)';

export function requirePipeline(command: string, flag: string | undefined): { definition: JourneyDefinition; file: string } {
  const value = flag ?? process.env['JOURNEYS_PIPELINE'];
  if (!value) throw new UsageError(`journeys ${command} needs --pipeline <name|file> (for example --pipeline ecommerce)`);
  return loadDefinition(value, { pipelinesDir: PIPELINES_DIR });
}
