import { defineConfig } from 'vitest/config';

/**
 * One `vitest run` runs every layer, each as its own project:
 * - unit: pure and Node tests beside the code (`*.test.ts`) in packages/, sync-server/ and app/
 *   (app tests that need IndexedDB use fake-indexeddb through the storage setup file), and
 *   `test/repo`, checks on the repository itself (self-contained, fixtures with their origin);
 * - integration: `test/integration`, the real server on 127.0.0.1 with a temporary data folder;
 * - e2e: `test/e2e`, the built app in real headless Chromium (playwright-core).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: [
            'packages/**/src/**/*.test.ts',
            'sync-server/src/**/*.test.ts',
            'bench/**/*.test.ts',
            'test/repo/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'app',
          environment: 'node',
          include: ['app/src/**/*.test.ts', 'app/src/**/*.test.tsx'],
          setupFiles: ['./app/src/test-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/e2e/global-setup.ts'],
          setupFiles: ['./test/e2e/blank-guard.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          // One browser at a time: these machines have two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
