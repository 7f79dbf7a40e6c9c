import { execFileSync } from 'node:child_process';

/**
 * Compiles the sources once before the suite: tests that run the real CLI or
 * a second process (store locking) start `bin/journeys.js`, which runs dist/.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
