import { readFileSync } from 'node:fs';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The version in package.json (two levels up from src/observability and from dist/observability alike). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return String(manifest.version);
}

const DUPLICATE_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * A Prometheus registry of one process: prom-client's default process and
 * Node metrics, and `journeys_build_info{version,node} 1`. Every HTTP-facing
 * command (`journeys run`, `journeys collect`) makes one with this and
 * registers its own metrics on it (`registers: [registry]`), so all of them
 * share the defaults and the build info; serve it with `startMetricsServer`.
 *
 * A registry per process, not prom-client's global one: tests run several
 * consumers in one process, each with its own registry.
 */
export function createMetricsRegistry(options: { version?: string } = {}): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool rejects (prom-client issue
  // 283, open): the same numbers are the sums of the per-type gauges
  // `nodejs_active_handles`, `…_requests` and `…_resources`.
  for (const name of DUPLICATE_TOTALS) registry.removeSingleMetric(name);
  const buildInfo = new Gauge({
    name: 'journeys_build_info',
    help: 'Always 1; the labels say which build runs (package version, Node.js version)',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  });
  buildInfo.set({ version: options.version ?? packageVersion(), node: process.version }, 1);
  return registry;
}

/**
 * Buckets for latencies in seconds of work that runs from milliseconds (a
 * small batch, an insert of a few rows) to minutes (a checkpoint that waits
 * for a store retried through an outage): about ×2.5 per bucket.
 */
export const WORK_SECONDS_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
