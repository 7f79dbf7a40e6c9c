// Re-adds chDB's other-platform binary packages to package-lock.json.
//
// Why: chdb ships its native library as optional per-platform packages. The
// registry this project's machines reach serves only the linux-x64 one, so
// `npm install` here writes a lock without the others, and `npm ci` then
// refuses the lock ("Missing: @chdb/lib-darwin-arm64"). Entries with os/cpu
// set are skipped on other platforms, so adding them keeps `npm ci` working
// here and lets macOS/arm64 machines resolve their own binary.
// Run after any `npm install` that rewrites the lock: node scripts/lock-chdb-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const linux = packages['node_modules/@chdb/lib-linux-x64-gnu'];
if (!linux) throw new Error('no @chdb/lib-linux-x64-gnu in the lock: run npm install first');
const platforms = [
  ['lib-darwin-arm64', 'darwin', 'arm64'],
  ['lib-darwin-x64', 'darwin', 'x64'],
  ['lib-linux-arm64-gnu', 'linux', 'arm64'],
];
let added = 0;
for (const [name, os, cpu] of platforms) {
  const key = `node_modules/@chdb/${name}`;
  if (packages[key]) continue;
  packages[key] = { version: linux.version, cpu: [cpu], ...(os === 'linux' ? { libc: ['glibc'] } : {}), license: linux.license, optional: true, os: [os] };
  added++;
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added ? `added ${added} chDB platform entries to package-lock.json` : 'package-lock.json already lists every chDB platform');
