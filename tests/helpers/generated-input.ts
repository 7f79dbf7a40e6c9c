import { createWriteStream, mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGenerated } from '../../src/cli/commands/generate.js';
import type { GeneratorOptionsInput } from '../../src/sources/generator/index.js';

/**
 * Writes generator runs one after another into one NDJSON file (e.g. normal
 * days, then days with a planted bottleneck) and returns its path and line count.
 */
export async function generatedFile(name: string, parts: readonly GeneratorOptionsInput[]): Promise<{ path: string; lines: number }> {
  const path = join(mkdtempSync(join(tmpdir(), 'journeys-generated-')), name);
  const out = createWriteStream(path);
  let lines = 0;
  for (const part of parts) lines += await writeGenerated({ scenario: 'ecommerce', ...part }, out);
  out.end();
  await once(out, 'finish');
  return { path, lines };
}
