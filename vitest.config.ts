import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests each start a Bot API emulator and a bot on loopback; two cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
