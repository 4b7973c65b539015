import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start servers and Chromium; two cores, so at most two files at once.
    maxWorkers: 2,
    reporters: ['default', './tests/helpers/countReporter.ts'],
  },
});
