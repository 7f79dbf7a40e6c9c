import { createWriteStream, existsSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGenerated } from '../cli/commands/generate.js';

/**
 * The benchmark's input: `events` generated e-commerce lines (realistic noise
 * included), cached in the temp folder so repeated runs measure the pipeline,
 * not the generator.
 */
export async function benchInput(lines: number, log: (message: string) => void): Promise<string> {
  // The e-commerce scenario gives ~7.1 lines per new visitor over one simulated week.
  const visitorsPerDay = Math.ceil(lines / 7 / 7.1);
  const path = join(tmpdir(), `journeys-bench-ecommerce-${visitorsPerDay}.ndjson`);
  if (existsSync(path)) return path;
  log(`generating ~${lines.toLocaleString('en-US')} events into ${path} (once) …`);
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  await writeGenerated({ scenario: 'ecommerce', seed: 7, days: 7, visitorsPerDay }, out);
  out.end();
  await once(out, 'finish');
  renameSync(partial, path);
  return path;
}
