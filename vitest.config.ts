import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file boots what it needs (embedded DynamoDB, the local HTTP server) on free ports.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The Asia/Seoul rules must hold whatever zone the machine is in.
    env: { TZ: 'America/Los_Angeles', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});
