#!/usr/bin/env node
// The CLI runs from the compiled sources; `npm install` builds them (prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('journeys: the compiled CLI is missing. Run `npm install` (or `npm run build`) in the project folder first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
