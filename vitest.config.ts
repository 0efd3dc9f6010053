import { defineConfig } from 'vitest/config';
import LongestFirst from './tests/integration/longest-first.js';

export default defineConfig({
  test: {
    // The JSON report feeds the one-line summary .ci/run prints at the end.
    reporters: ['default', ['json', { outputFile: 'build/test-results.json' }]],
    // Integration files longest first, by recorded durations: the two workers then end together.
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          // Distinct group orders let the two projects use different worker counts.
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
          // Key generation in a beforeAll (x509, TLS) took over vitest's 10 s beside a CPU hog.
          hookTimeout: 60_000,
          // vitest's default is one worker on 2 cores (cores - 1); the files share nothing, so use both.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          sequence: { groupOrder: 1 },
          globalSetup: ['tests/integration/global-setup.ts'],
          // Deadlines, not speed: the longest single scenarios (TLS switched on and off, renewal)
          // take about 200 s on a quiet 2-core machine and crossed 300 s beside a CPU hog.
          testTimeout: 900_000,
          hookTimeout: 600_000,
          // Each file runs its own model (own /24 and processes); two at a time fit 2 cores.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
