import { spawnSync } from 'node:child_process';

/** The samples of a text exposition, keyed by the series as written (`name{label="v",…}`). */
export function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/**
 * What `promtool check metrics` says of an exposition: its exit status and
 * its output (lint problems, parse errors). promtool is Prometheus's own
 * checker, so a pass means Prometheus reads the text as we meant it.
 */
export function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('promtool is not installed: install the Debian package `prometheus` (apt-get install -y prometheus), which provides /usr/bin/promtool');
  }
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}
