// Settings for the processes a test composes (src/apps), parsed by the processes' own schemas
// from test variables: what differs from production is visible here, in environment terms.
import { loadApiConfig } from '../../src/config/api-config';
import { loadPayloadKeys } from '../../src/config/cli-config';
import { loadWorkerConfig } from '../../src/config/worker-config';
import { payloadDataConverter } from '../../src/temporal/payload-codec';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_TASK_QUEUE = 'kairos-test';
/** Unsubscribe links are signed with a fixed test secret; the worker and the test API share it. */
export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEST_PUBLIC_URL = 'http://kairos.test';
/**
 * Every test's histories are encrypted, as production's should be: the 32 bytes are the text
 * `kairos-test-payload-key-32-bytes`, a key for tests only.
 */
export const TEST_PAYLOAD_KEYS = 'test-1:a2Fpcm9zLXRlc3QtcGF5bG9hZC1rZXktMzItYnl0ZXM=';

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
  KAIROS_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
};

/**
 * The payload codec every test client, worker and replay shares (the test servers' clients
 * included: test/helpers/temporal.ts), so what one encrypts the others read.
 */
export const testDataConverter = () => payloadDataConverter(loadPayloadKeys(shared));

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
