import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    allowOnly: false,
    // Vitest's default is one worker fewer than the cores: a single worker on the 2-core CI machines, which ran
    // the 181 unit files one after another (310 s). The services project runs one file at a time regardless.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.services.test.ts', '**/*.browser.test.ts', 'node_modules/**'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'services',
          // Browser tests need the chromium system package, like the other services tests need PostgreSQL.
          include: [
            'src/**/*.services.test.ts',
            'test/**/*.services.test.ts',
            'test/browser/**/*.browser.test.ts',
          ],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
