import { defineConfig } from 'vitest/config';

/**
 * One test run for the whole workspace. The global setup starts a throwaway PostgreSQL (unless
 * LATCHKEY_TEST_DATABASE_URL names one) and prepares a migrated PGlite snapshot, so every storage
 * test runs against both backends (see packages/server/test/support/stores.ts).
 */
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/**/*.test.ts'],
    globalSetup: ['packages/server/test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
