import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // type-graphql and Apollo load graphql's CommonJS build; the SDK's ESM import must get the same
    // instance, or graphql refuses objects "from another module or realm".
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Suites start their own server on port 0 with their own SQLite file, so files run in parallel.
    pool: 'forks',
    // Compiles the server once when dist/ is stale: the crash and CLI suites run the real processes.
    globalSetup: ['test/support/build-server.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { NODE_ENV: 'test' },
  },
});
