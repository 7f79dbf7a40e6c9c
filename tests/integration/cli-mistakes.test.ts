import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { journeys, tempStore } from '../helpers/run-cli.js';

/** A user mistake: exit 2 and one plain line (no stack trace) saying what to do. */
function expectOneLineMistake(result: { status: number | null; stderr: string }, text: string | RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(text);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('CLI: ranges and baselines that select nothing are refused', () => {
  it('--from later than --to is refused by every command that takes a range', () => {
    const store = tempStore();
    const range = ['--from', '2026-11-05T00:00:00Z', '--to', '2026-11-02T00:00:00Z', '--store', store];
    for (const command of [['funnel'], ['abandonment'], ['bottlenecks'], ['alerts', 'list'], ['alerts', 'check']]) {
      expectOneLineMistake(journeys([...command, '--pipeline', 'ecommerce', ...range]), /--from \(2026-11-05T00:00:00Z\) must be before --to/);
    }
  });

  it('bottlenecks --baseline without --from is refused (the period before the first session is empty)', () => {
    const store = tempStore();
    expectOneLineMistake(journeys(['bottlenecks', '--pipeline', 'ecommerce', '--baseline', 'previous', '--store', store]), /--baseline .* give --from/);
    expectOneLineMistake(journeys(['bottlenecks', '--pipeline', 'ecommerce', '--baseline', '7d', '--to', '2026-11-05T00:00:00Z', '--store', store]), /give --from/);
  });

  it('journeys --version prints the version of package.json', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(journeys(['--version'])).toMatchObject({ status: 0, stdout: `journeys ${version}\n` });
  });
});
