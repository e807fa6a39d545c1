// Each process parses its own settings: it is refused for what it needs and lacks, with the
// variable named and why, and never for a variable it does not use.
import { loadApiConfig } from '../../src/config/api-config';
import { loadDatabaseConfig, loadTemporalConfig } from '../../src/config/cli-config';
import { loadWorkerConfig } from '../../src/config/worker-config';

const secret = 'a-secret-of-32-characters-or-more';
const database = 'postgresql://kairos@db/kairos';

describe('the API', () => {
  test('needs the signing secret, and says why', () => {
    expect(() => loadApiConfig({ DATABASE_URL: database })).toThrow(
      /KAIROS_SIGNING_SECRET: is required: the API verifies the unsubscribe links the worker signs/,
    );
  });

  test('starts without SendGrid (template test sends answer 503) or worker settings', () => {
    const config = loadApiConfig({ DATABASE_URL: database, KAIROS_SIGNING_SECRET: secret, KAIROS_EMAIL_CAPS: 'bad' });
    expect(config.email.apiKey).toBeUndefined();
    expect(config).not.toHaveProperty('contactPolicy');
    expect(config.api.publicUrl).toBe('http://127.0.0.1:3000');
  });
});

describe('the worker', () => {
  test('needs SendGrid and the signing secret, and lists every missing variable at once', () => {
    let message = '';
    try {
      loadWorkerConfig({ DATABASE_URL: database });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/SENDGRID_API_KEY: is required: the worker sends email/);
    expect(message).toMatch(
      /KAIROS_SIGNING_SECRET: is required: every marketing email carries a signed unsubscribe link/,
    );
  });

  test('ignores the API-only variables, even malformed', () => {
    const config = loadWorkerConfig({
      DATABASE_URL: database,
      SENDGRID_API_KEY: 'SG.key',
      KAIROS_SIGNING_SECRET: secret,
      KAIROS_BOOTSTRAP_KEY: 'short',
      KAIROS_RATE_LIMIT_PER_MINUTE: 'many',
    });
    expect(config.contactPolicy).toEqual({
      caps: [
        { channel: 'email', max: 2, within: '24h' },
        { channel: 'email', max: 5, within: '7d' },
      ],
      quietHours: { start: '21:00', end: '08:00' },
    });
  });

  test('a bad value names its variable and the rule', () => {
    expect(() =>
      loadWorkerConfig({
        DATABASE_URL: database,
        SENDGRID_API_KEY: 'SG.key',
        KAIROS_SIGNING_SECRET: secret,
        KAIROS_QUIET_HOURS: '9pm-8am',
      }),
    ).toThrow(/KAIROS_QUIET_HOURS: must be like "21:00-08:00" or "off"/);
  });
});

describe('the CLI', () => {
  test('replay and export read Temporal settings alone: no DATABASE_URL needed', () => {
    expect(loadTemporalConfig({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_API_KEY: 'k' })).toMatchObject({
      address: 'temporal:7233',
      apiKey: 'k',
      tls: {}, // an API key implies TLS (Temporal Cloud)
    });
  });

  test('a client certificate without its key is refused', () => {
    expect(() => loadTemporalConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: '/certs/client.pem' })).toThrow(
      /TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together/,
    );
  });

  test('trace reads the database URL, and refuses one that is not PostgreSQL', () => {
    expect(loadDatabaseConfig({ DATABASE_URL: database }).url).toBe(database);
    expect(() => loadDatabaseConfig({ DATABASE_URL: 'mysql://db' })).toThrow(
      /DATABASE_URL: must be a postgresql:\/\/ connection string/,
    );
  });
});

describe('the payload keys (KAIROS_PAYLOAD_KEYS), shared by every process that talks to Temporal', () => {
  const key = (byte: number, length = 32) => Buffer.alloc(length, byte).toString('base64');

  test('unset: no keys, payloads are not encrypted', () => {
    expect(loadTemporalConfig({}).payloadKeys).toEqual([]);
  });

  test('are read in order, the current key first', () => {
    const keys = loadTemporalConfig({ KAIROS_PAYLOAD_KEYS: `k2:${key(2)}, k1:${key(1)}` }).payloadKeys;
    expect(keys.map((k) => [k.id, k.key.equals(Buffer.alloc(32, k.id === 'k2' ? 2 : 1))])).toEqual([
      ['k2', true],
      ['k1', true],
    ]);
  });

  test.each([
    [
      'a key that is not base64',
      `k1:${key(1).replace(/^./, '*')}`,
      /KAIROS_PAYLOAD_KEYS: key "k1" is not valid base64/,
    ],
    [
      'a key of the wrong length',
      `k1:${key(1, 16)}`,
      /KAIROS_PAYLOAD_KEYS: key "k1" must be 32 bytes \(AES-256\), it is 16/,
    ],
    ['an id listed twice', `k1:${key(1)},k1:${key(2)}`, /KAIROS_PAYLOAD_KEYS: key id "k1" is listed twice/],
    ['an entry without an id', key(1), /KAIROS_PAYLOAD_KEYS: entry 1 must be <id>:<base64 key>/],
    ['an empty value', '', /KAIROS_PAYLOAD_KEYS: entry 1 must be <id>:<base64 key>/],
  ])('%s is refused, naming the variable and why', (_what, value, message) => {
    expect(() => loadTemporalConfig({ KAIROS_PAYLOAD_KEYS: value })).toThrow(message);
  });

  test('a refused key is never echoed in the error', () => {
    const secretKey = key(7);
    expect(() =>
      loadApiConfig({ DATABASE_URL: database, KAIROS_SIGNING_SECRET: secret, KAIROS_PAYLOAD_KEYS: secretKey }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secretKey.slice(0, 8)) }));
  });

  test('the worker reads them too', () => {
    const config = loadWorkerConfig({
      DATABASE_URL: database,
      SENDGRID_API_KEY: 'SG.key',
      KAIROS_SIGNING_SECRET: secret,
      KAIROS_PAYLOAD_KEYS: `k1:${key(1)}`,
    });
    expect(config.temporal.payloadKeys.map((k) => k.id)).toEqual(['k1']);
  });
});
