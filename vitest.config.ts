import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.data/**'],
    globalSetup: ['test/global-setup.ts'],
    // Generous: browser tests share 2 cores with servers and PostgreSQL; a hang still fails.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: far too short for a page or a server on a
    // loaded 2-core machine (a CI run lost a keyboard test to it). A broken promise still fails.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Browser tests start Chromium; keep them from competing with each other on 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
