import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most files wait on child processes and the simulator rather than compute: two at a time
    // (vitest's default on a 2-core machine is one) halves the wall time without starving them.
    maxWorkers: 2,
  },
});
