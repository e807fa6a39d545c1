// The one place that reads the environment: parses it once with zod into a nested, typed config.
import { z } from 'zod';
import { defaultBuildId } from './worker/build-id';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(1).max(65535);

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 6000;
/** A SendGrid send normally takes well under a second; a hung connection must not hold a send for good. */
export const DEFAULT_SENDGRID_TIMEOUT_MS = 10_000;

const envSchema = z.object({
  KAIROS_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  KAIROS_API_HOST: z.string().min(1).default('127.0.0.1'),
  KAIROS_API_PORT: port.default(3000),
  /** The URL customers' links (unsubscribe) and the sink's webhooks point at. */
  KAIROS_PUBLIC_URL: z.url().optional(),
  KAIROS_BOOTSTRAP_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Signs customers' links (one-click unsubscribe); the API and the worker must share it. */
  KAIROS_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Requests a minute each API key may make (per API process). */
  KAIROS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMIT_PER_MINUTE),

  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),

  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kairos-customers'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Worker Versioning (README "Deploying a new worker version"): the worker's Worker Deployment. */
  KAIROS_DEPLOYMENT_NAME: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[^.]+$/, "must not contain '.'")
    .default('kairos'),
  /** The worker's version in it. Default: the build's git sha (dist/build-id.txt), else the package version. */
  KAIROS_BUILD_ID: z.string().min(1).max(255).optional(),
  /** Default: on in production; off in development (`npm start`) and tests. */
  KAIROS_WORKER_VERSIONING: bool.optional(),

  SENDGRID_API_KEY: z.string().min(1).optional(),
  /** Points the real @sendgrid/mail client somewhere else, e.g. the local sink. */
  SENDGRID_BASE_URL: z.url().optional(),
  /** How long one SendGrid request may take before it counts as failed (and is retried). */
  SENDGRID_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(DEFAULT_SENDGRID_TIMEOUT_MS),
  KAIROS_EMAIL_FROM: z.email().default('hello@kairos.local'),
  /** Verifies SendGrid's signed Event Webhook: the base64 SPKI DER "verification key" SendGrid shows. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{40,}={0,2}$/, 'must be the base64 verification key SendGrid shows')
    .optional(),
  /** Email frequency caps across all programs: "2/24h,5/7d", or "off". */
  KAIROS_EMAIL_CAPS: z
    .string()
    .regex(/^(off|\d+\/\d+[smhdw](,\d+\/\d+[smhdw])*)$/, 'must be like "2/24h,5/7d" or "off"')
    .default('2/24h,5/7d'),
  /** Quiet hours in each customer's zone: "21:00-08:00", or "off". */
  KAIROS_QUIET_HOURS: z
    .string()
    .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/, 'must be like "21:00-08:00" or "off"')
    .default('21:00-08:00'),

  /** How long a customer's workflow reuses a program's state (paused, stopped...) before asking again. */
  KAIROS_PROGRAM_CHECK_MS: z.coerce.number().int().min(0).default(60_000),
  /** How often customers held by a paused program check whether it resumed. */
  KAIROS_PAUSE_RECHECK_MS: z.coerce.number().int().min(100).default(60_000),
  /** On SIGTERM, how long the worker lets activities in flight (sends) finish before it cancels them and exits. */
  KAIROS_WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),

  /** Used by `npm start` only: where it keeps data and which ports its embedded servers take. */
  KAIROS_DATA_DIR: z.string().min(1).default('.data'),
  KAIROS_SINK_PORT: port.default(3030),
  KAIROS_TEMPORAL_UI_PORT: port.default(8233),
  /** The embedded PostgreSQL's port, when DATABASE_URL is unset. */
  KAIROS_POSTGRES_PORT: port.default(15432),
});

class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(envSchema, env);
  const tlsWanted = e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CLIENT_CERT_PATH);
  if (Boolean(e.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    throw new ConfigError(
      'Invalid environment:\n  TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together',
    );
  }
  return {
    env: e.KAIROS_ENV,
    logLevel: e.LOG_LEVEL,
    api: {
      host: e.KAIROS_API_HOST,
      port: e.KAIROS_API_PORT,
      publicUrl: e.KAIROS_PUBLIC_URL ?? `http://${e.KAIROS_API_HOST}:${e.KAIROS_API_PORT}`,
      bootstrapKey: e.KAIROS_BOOTSTRAP_KEY,
      rateLimitPerMinute: e.KAIROS_RATE_LIMIT_PER_MINUTE,
    },
    signingSecret: e.KAIROS_SIGNING_SECRET,
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: tlsWanted
        ? {
            clientCertPath: e.TEMPORAL_TLS_CLIENT_CERT_PATH,
            clientKeyPath: e.TEMPORAL_TLS_CLIENT_KEY_PATH,
            serverCaCertPath: e.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
    },
    email: {
      apiKey: e.SENDGRID_API_KEY,
      baseUrl: e.SENDGRID_BASE_URL,
      timeoutMs: e.SENDGRID_TIMEOUT_MS,
      from: e.KAIROS_EMAIL_FROM,
      webhookPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
    },
    contactPolicy: {
      caps:
        e.KAIROS_EMAIL_CAPS === 'off'
          ? []
          : e.KAIROS_EMAIL_CAPS.split(',').map((c) => {
              const [max, within] = c.split('/') as [string, string];
              return { channel: 'email', max: Number(max), within };
            }),
      quietHours:
        e.KAIROS_QUIET_HOURS === 'off'
          ? null
          : (([start, end]) => ({ start: start!, end: end! }))(e.KAIROS_QUIET_HOURS.split('-')),
    },
    controlTiming: { cacheMs: e.KAIROS_PROGRAM_CHECK_MS, pauseRecheckMs: e.KAIROS_PAUSE_RECHECK_MS },
    worker: { shutdownGraceMs: e.KAIROS_WORKER_SHUTDOWN_GRACE_MS },
    deployment: {
      name: e.KAIROS_DEPLOYMENT_NAME,
      buildId: e.KAIROS_BUILD_ID ?? defaultBuildId(),
      versioning: e.KAIROS_WORKER_VERSIONING ?? e.KAIROS_ENV === 'production',
    },
    dev: { dataDir: e.KAIROS_DATA_DIR, sinkPort: e.KAIROS_SINK_PORT, temporalUiPort: e.KAIROS_TEMPORAL_UI_PORT },
  };
}

/**
 * `npm start`'s config: development defaults (the local sink as SendGrid, a dev server on
 * 127.0.0.1:7233) under whatever the environment sets, plus values the launcher discovered.
 */
export function loadDevConfig(discovered: Record<string, string>, env: NodeJS.ProcessEnv = process.env): Config {
  const sinkPort = env.KAIROS_SINK_PORT ?? '3030';
  return loadConfig({
    KAIROS_ENV: 'development',
    SENDGRID_API_KEY: 'SG.local-sink',
    SENDGRID_BASE_URL: `http://127.0.0.1:${sinkPort}/`,
    // The demo should answer at any hour of the day; quiet hours are a production default.
    KAIROS_QUIET_HOURS: 'off',
    ...discovered,
    ...env,
  });
}

/**
 * Where `npm start` (and the benchmarks) find PostgreSQL: DATABASE_URL's server when it is set,
 * else the embedded one with its data in `<KAIROS_DATA_DIR>/postgres` on KAIROS_POSTGRES_PORT.
 */
export function loadDevDatabase(env: NodeJS.ProcessEnv = process.env): { url?: string; dataDir: string; port: number } {
  const schema = envSchema
    .pick({ KAIROS_DATA_DIR: true, KAIROS_POSTGRES_PORT: true })
    .extend({ DATABASE_URL: envSchema.shape.DATABASE_URL.optional() });
  const e = parseEnv(schema, env);
  return { url: e.DATABASE_URL, dataDir: `${e.KAIROS_DATA_DIR}/postgres`, port: e.KAIROS_POSTGRES_PORT };
}

/** Whether the environment names a Temporal server, so `npm start` must not start its own. */
export function externalTemporal(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.TEMPORAL_ADDRESS);
}

/**
 * Only the Temporal settings, for tools that never touch the database (`kairos replay`, `kairos
 * history export`): the TEMPORAL_* variables under loadConfig's rules, without DATABASE_URL.
 */
export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): Config['temporal'] {
  const temporalOnly = Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith('TEMPORAL_')));
  return loadConfig({ ...temporalOnly, DATABASE_URL: 'postgresql://unused' }).temporal;
}

/** Only the Worker Deployment settings, for `kairos deploy` (no DATABASE_URL needed). */
export function loadDeploymentConfig(env: NodeJS.ProcessEnv = process.env): Config['deployment'] {
  const names = ['KAIROS_ENV', 'KAIROS_DEPLOYMENT_NAME', 'KAIROS_BUILD_ID', 'KAIROS_WORKER_VERSIONING'];
  const deploymentOnly = Object.fromEntries(Object.entries(env).filter(([name]) => names.includes(name)));
  return loadConfig({ ...deploymentOnly, DATABASE_URL: 'postgresql://unused' }).deployment;
}

export type Config = ReturnType<typeof loadConfig>;

const adminClientSchema = z.object({
  /** Where `kairos programs` finds the admin API. */
  KAIROS_API_URL: z.url().default('http://127.0.0.1:3000'),
  /** An API key with the admin scope. */
  KAIROS_API_KEY: z.string().min(1).optional(),
});

/** The admin API's address and key, for CLI commands that work through it (`kairos programs apply`). */
export function loadAdminClientConfig(env: NodeJS.ProcessEnv = process.env): {
  url: string;
  apiKey: string | undefined;
} {
  const parsed = adminClientSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(
      `Invalid environment:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  return { url: parsed.data.KAIROS_API_URL.replace(/\/$/, ''), apiKey: parsed.data.KAIROS_API_KEY };
}
