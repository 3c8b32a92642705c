import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test files wait on sockets and timers, not on the CPU: on two cores three workers run the
    // suite in ~60 % of the time one worker (the default there) takes (630 s against 1,018 s).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // Builds web/dist with Vite when it is missing or older than web/src (the UI tests drive it).
    globalSetup: ['test/ui/support/build-web.ts'],
  },
});
