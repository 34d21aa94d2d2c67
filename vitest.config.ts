import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests never depend on the machine's zone or on a developer's credentials.
    env: { TZ: 'UTC', NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' },
  },
});
