// Three layers share one runner: unit tests, workflow tests on the time-skipping test server, and
// integration tests on the dev server with PostgreSQL. Servers start once per file (see test/helpers).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // Generous: on a loaded 2-core machine a journey test can take a minute; a hang still fails.
  testTimeout: 180_000,
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/helpers/summary-reporter.js'],
};
