import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'sim/**/*.test.ts', 'hw-tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    // RTL co-simulation and synthesis spawn simulators; give them room, never time the code under test.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    globalSetup: ['hw-tests/test-tmp-root.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
