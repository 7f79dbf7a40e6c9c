import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTemp } from '../helpers/store.js';
import { at, page, track } from '../helpers/segment.js';

/** Runs the real CLI (compiled by the global setup) as a user would. */
function journeys(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/journeys.js', ...args], { encoding: 'utf8', input, env: { ...process.env, JOURNEYS_STORE: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lines = [
  page('/', { id: 'x1', anonymousId: 'v1', at: at(0) }),
  track('Product Viewed', { id: 'x2', anonymousId: 'v1', at: at(1) }),
  track('Products Searched', { id: 'x3', anonymousId: 'v1', at: at(0.5) }),
  track('Product Added', { id: 'x4', anonymousId: 'v1', at: at(3) }),
  page('/', { id: 'x5', anonymousId: 'v2', at: at(2) }),
  '',
  '{"type":"track"',
];

describe('journeys CLI', () => {
  it('prints help and rejects unknown commands and flags with exit 2', () => {
    expect(journeys(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('journeys demo') });
    expect(journeys(['funnel', '--help']).stdout).toContain('--mode reached|ordered|strict|any');
    expect(journeys(['frobnicate'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--colour'])).toMatchObject({ status: 2, stderr: expect.stringContaining('journeys funnel --help') });
    expect(journeys(['funnel'])).toMatchObject({ status: 2, stderr: expect.stringContaining('needs --pipeline') });
    expect(journeys(['funnel', '--pipeline', 'nope'])).toMatchObject({ status: 2, stderr: expect.stringContaining('no journey definition "nope"') });
  });

  it('ingests with a JSON summary, and re-ingesting or reading stdin leaves funnel --json byte-identical', () => {
    const store = `embedded:${mkdtempSync(join(tmpdir(), 'journeys-cli-'))}`;
    const file = writeTemp('cli.ndjson', lines);
    const first = journeys(['ingest', '--pipeline', 'ecommerce', '--input', file, '--store', store, '--json']);
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ read: 6, valid: 5, duplicates: 0, dead_lettered: 1, sessions: 2 });
    const funnel = journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json']);
    const report = JSON.parse(funnel.stdout);
    expect(report).toMatchObject({ pipeline: 'ecommerce', mode: 'reached', level: 'session', groups: [] });
    expect(report.stages.slice(0, 4).map((s: { entered: number }) => s.entered)).toEqual([2, 1, 1, 1]);
    expect(Object.keys(report.stages[0])).toEqual(['stage', 'entered', 'skipped', 'advanced', 'dropped', 'conversion_to_next', 'median_time_to_next_ms', 'p90_time_to_next_ms', 'median_time_in_stage_ms', 'p90_time_in_stage_ms', 'bounced']);

    const again = journeys(['ingest', '--pipeline', 'ecommerce', '--input', '-', '--store', store, '--json'], lines.join('\n'));
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 6, valid: 0, duplicates: 5, dead_lettered: 1 });
    expect(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json']).stdout).toBe(funnel.stdout);

    const byDevice = JSON.parse(journeys(['funnel', '--pipeline', 'ecommerce', '--store', store, '--json', '--by', 'device']).stdout);
    expect(byDevice.groups[0]).toMatchObject({ dimension: 'device', value: 'unknown' });
    const table = journeys(['funnel', '--pipeline', 'ecommerce', '--store', store]);
    expect(table.stdout).toMatch(/awareness\s+2\s+0\s+1\s+1\s+50\.0%/);
    // The bad line came twice, from two places: one dead letter per origin.
    const dead = journeys(['sql', 'SELECT origin, step FROM dead_letters FINAL ORDER BY origin_kind', '--store', store, '--format', 'json']);
    expect(JSON.parse(dead.stdout)).toEqual([
      { origin: expect.stringMatching(/cli\.ndjson:7$/), step: 'decode-json' },
      { origin: 'stdin:7', step: 'decode-json' },
    ]);
  });

  it('abandonment --json lists each rule', () => {
    const store = `embedded:${mkdtempSync(join(tmpdir(), 'journeys-cli-'))}`;
    const file = writeTemp('abandon.ndjson', [
      track('Checkout Started', { anonymousId: 'w', at: at(0) }),
      track('Checkout Started', { anonymousId: 'z', at: at(0) }),
      track('Order Completed', { anonymousId: 'z', at: at(10) }),
      page('/', { anonymousId: 'late-traffic', at: at(600) }),
    ]);
    expect(journeys(['ingest', '--pipeline', 'ecommerce', '--input', file, '--store', store]).status).toBe(0);
    const result = JSON.parse(journeys(['abandonment', '--pipeline', 'ecommerce', '--store', store, '--json']).stdout);
    expect(result.rules.find((r: { rule: string }) => r.rule === 'checkout_abandonment')).toMatchObject({ started: 2, abandoned: 1, rate: 0.5 });
  });
});
