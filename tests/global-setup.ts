import { execFileSync, spawnSync } from 'node:child_process';

function localBrokerRuns(): boolean {
  return spawnSync('bash', ['scripts/kafka-local.sh', 'status'], { stdio: 'ignore', timeout: 30_000 }).status === 0;
}

/**
 * Compiles the sources once before the suite: tests that run the real CLI or
 * a second process (store locking) start `bin/journeys.js`, which runs dist/.
 * A local Kafka broker that the tests started (tests/helpers/kafka.ts) is
 * stopped at the end: left running, an idle broker kept ~20% of a core busy
 * and skewed every later benchmark. One that was running before, or given by
 * KAFKA_BROKERS, is left alone.
 */
export default function setup(): () => void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const brokerGiven = Boolean(process.env['KAFKA_BROKERS']) || localBrokerRuns();
  return () => {
    if (!brokerGiven && localBrokerRuns()) execFileSync('bash', ['scripts/kafka-local.sh', 'stop'], { stdio: 'ignore', timeout: 60_000 });
  };
}
