import { defineConfig } from 'vitest/config';

/**
 * Two kinds of test files, run side by side on every core (CI has two):
 * - `fast`: unit and CDK tests. They keep no state between files, so one
 *   worker runs many of them without re-importing aws-cdk-lib for each file
 *   (isolate: false), and the CDK files share their synthesized apps
 *   (test/cdk/cdk-app.ts).
 * - `system`: repository, integration and end-to-end tests. Each file boots its
 *   own embedded DynamoDB or whole local system in its own process (the local
 *   system is one per process: handlers read their environment once).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // No test comes near these: the longest takes a few seconds (issue 9: every test under a third of its limit).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The Asia/Seoul rules must hold whatever zone the machine is in.
    env: { TZ: 'America/Los_Angeles', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/unit/**/*.test.ts', 'test/cdk/**/*.test.ts'], isolate: false, globalSetup: ['test/cdk/global-setup.ts'] },
      },
      { extends: true, test: { name: 'system', include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'] } },
    ],
  },
});
