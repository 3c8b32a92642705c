import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds web/dist with Vite when it is missing or older than web/src (the UI tests drive it).
    globalSetup: ['test/ui/support/build-web.ts'],
  },
});
