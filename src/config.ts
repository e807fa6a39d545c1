// The one place that reads the environment: parses it once with zod into a nested, typed config.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

const port = z.coerce.number().int().min(1).max(65535);

export const envSchema = z.object({
  KAIROS_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  KAIROS_API_HOST: z.string().min(1).default('127.0.0.1'),
  KAIROS_API_PORT: port.default(3000),
  /** The URL customers' links (unsubscribe) and the sink's webhooks point at. */
  KAIROS_PUBLIC_URL: z.url().optional(),
  KAIROS_BOOTSTRAP_KEY: z.string().min(24, 'must be at least 24 characters').optional(),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string'),
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

  SENDGRID_API_KEY: z.string().min(1).optional(),
  /** Points the real @sendgrid/mail client somewhere else, e.g. the local sink. */
  SENDGRID_BASE_URL: z.url().optional(),
  KAIROS_EMAIL_FROM: z.email().default('hello@kairos.local'),

  /** Used by `npm start` only: where it keeps data and which ports its embedded servers take. */
  KAIROS_DATA_DIR: z.string().min(1).default('.data'),
  KAIROS_SINK_PORT: port.default(3030),
  KAIROS_TEMPORAL_UI_PORT: port.default(8233),
});

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const tlsWanted =
    e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CLIENT_CERT_PATH);
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
    },
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
      from: e.KAIROS_EMAIL_FROM,
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
    ...discovered,
    ...env,
  });
}

/** Whether the environment names a Temporal server, so `npm start` must not start its own. */
export function externalTemporal(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.TEMPORAL_ADDRESS);
}

export type Config = ReturnType<typeof loadConfig>;
