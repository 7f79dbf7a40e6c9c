import { defineConfig } from 'vitest/config';

// chDB binds one data directory per process, so every test file runs in its
// own child process (forks), never in worker threads that share a process.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
