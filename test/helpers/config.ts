// Settings for the processes a test composes (src/apps), parsed by the processes' own schemas
// from test variables: what differs from production is visible here, in environment terms.
import { loadApiConfig } from '../../src/config/api-config';
import { loadWorkerConfig } from '../../src/config/worker-config';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_TASK_QUEUE = 'kairos-test';
/** Unsubscribe links are signed with a fixed test secret; the worker and the test API share it. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEST_PUBLIC_URL = 'http://kairos.test';

type Vars = Record<string, string | undefined>;

const shared = {
  KAIROS_ENV: 'test',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  // Every test hands its own per-file database in as an override; this URL is never dialled.
  DATABASE_URL: 'postgresql://test-database-given-as-override',
  KAIROS_SIGNING_SECRET: TEST_SIGNING_SECRET,
  KAIROS_PUBLIC_URL: TEST_PUBLIC_URL,
  TEMPORAL_TASK_QUEUE: TEST_TASK_QUEUE,
  KAIROS_EMAIL_FROM: 'journeys@kairos.test',
};

export function testApiConfig(vars: Vars = {}) {
  return loadApiConfig({ ...shared, KAIROS_BOOTSTRAP_KEY: TEST_ADMIN_KEY, ...vars });
}

export function testWorkerConfig(vars: Vars = {}) {
  return loadWorkerConfig({
    ...shared,
    SENDGRID_API_KEY: 'SG.test-key',
    // Tests run without caps or quiet hours unless they are what the test is about.
    KAIROS_EMAIL_CAPS: 'off',
    KAIROS_QUIET_HOURS: 'off',
    // Program state changes reach customers within a second in tests (a minute by default).
    KAIROS_PROGRAM_CHECK_MS: '500',
    KAIROS_PAUSE_RECHECK_MS: '1000',
    // A test's worker.shutdown() cancels sends at once, as Temporal's default does.
    KAIROS_WORKER_SHUTDOWN_GRACE_MS: '0',
    ...vars,
  });
}
