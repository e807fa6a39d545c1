// The shared pieces every process's settings are built from: one zod object per concern (the
// environment variables it reads, with their defaults and rules) and the function that turns its
// parsed variables into nested, typed settings. Each process picks the pieces it needs
// (api-config.ts, worker-config.ts, cli-config.ts, src/dev/dev-config.ts), so a process is never
// refused for a variable it does not use. These modules are the only readers of process.env.
import { z } from 'zod';
import { DEFAULT_SENDGRID_TIMEOUT_MS } from '../messaging/sendgrid-sender';
import { defaultBuildId } from '../worker/build-id';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
export const port = z.coerce.number().int().min(1).max(65535);

/** A variable a process cannot start without; `why` is said when it is missing. */
export function required(why: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? `is required: ${why}` : undefined) });
}

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 6000;

export const runtimeVars = z.object({
  KAIROS_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export const runtimeSettings = (e: z.infer<typeof runtimeVars>) => ({ env: e.KAIROS_ENV, logLevel: e.LOG_LEVEL });

export const httpVars = z.object({
  KAIROS_API_HOST: z.string().min(1).default('127.0.0.1'),
  KAIROS_API_PORT: port.default(3000),
  /** The URL customers' links (unsubscribe) and the sink's webhooks point at. */
  KAIROS_PUBLIC_URL: z.url().optional(),
});
export const publicUrlOf = (e: z.infer<typeof httpVars>) =>
  e.KAIROS_PUBLIC_URL ?? `http://${e.KAIROS_API_HOST}:${e.KAIROS_API_PORT}`;

/** Signs customers' links (one-click unsubscribe); the API and the worker must share it. */
export const signingSecret = (why: string) =>
  required(`${why}; the API and the worker share it`).min(32, 'must be at least 32 characters');

export const databaseVars = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});
export const databaseSettings = (e: z.infer<typeof databaseVars>) => ({
  url: e.DATABASE_URL,
  poolSize: e.DATABASE_POOL_SIZE,
});

/** One key of KAIROS_PAYLOAD_KEYS: its id (named in each payload it encrypts) and its 32 bytes. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `id:<base64 of 32 bytes>`, comma-separated, the current key first: payloads are encrypted with
 * it and decrypted with whichever key they name, so an old key stays listed until no history
 * (within the namespace's retention) still needs it.
 */
const payloadKeys = z.string().transform((value, ctx): PayloadKey[] => {
  const keys: PayloadKey[] = [];
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  for (const [n, entry] of value.split(',').map((e, i) => [i + 1, e.trim()] as const)) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const encoded = entry.slice(colon + 1);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
      // Says which entry, never its text: that could be key material.
      return fail(`entry ${n} must be <id>:<base64 key>, the id of letters, digits, '.', '_' or '-'`);
    if (keys.some((k) => k.id === id)) return fail(`key id "${id}" is listed twice`);
    // Buffer.from(..., 'base64') skips what is not base64; check first, so a typo is not a shorter key.
    if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return fail(`key "${id}" is not valid base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) return fail(`key "${id}" must be 32 bytes (AES-256), it is ${key.length}`);
    keys.push({ id, key });
  }
  return keys;
});

/** Unset: payloads go into Temporal's histories in clear (README "Personal data in Temporal"). */
export const payloadKeysVars = z.object({ KAIROS_PAYLOAD_KEYS: payloadKeys.optional() });

export const temporalVars = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('kairos-customers'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: bool.optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  ...payloadKeysVars.shape,
});
export function temporalSettings(e: z.infer<typeof temporalVars>) {
  if (Boolean(e.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_CLIENT_KEY_PATH))
    throw configError(['TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together']);
  const tlsWanted = e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CLIENT_CERT_PATH);
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    apiKey: e.TEMPORAL_API_KEY,
    /** Every client and worker encrypts payloads with these (empty: none); src/temporal/payload-codec.ts. */
    payloadKeys: e.KAIROS_PAYLOAD_KEYS ?? [],
    tls: tlsWanted
      ? {
          clientCertPath: e.TEMPORAL_TLS_CLIENT_CERT_PATH,
          clientKeyPath: e.TEMPORAL_TLS_CLIENT_KEY_PATH,
          serverCaCertPath: e.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
          serverName: e.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined,
  };
}
export type TemporalSettings = ReturnType<typeof temporalSettings>;

export const sendGridVars = z.object({
  SENDGRID_API_KEY: z.string().min(1).optional(),
  /** Points the real @sendgrid/mail client somewhere else, e.g. the local sink. */
  SENDGRID_BASE_URL: z.url().optional(),
  /** How long one SendGrid request may take before it counts as failed (and is retried). */
  SENDGRID_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(DEFAULT_SENDGRID_TIMEOUT_MS),
  KAIROS_EMAIL_FROM: z.email().default('hello@kairos.local'),
});
export const sendGridSettings = (e: z.infer<typeof sendGridVars>) => ({
  apiKey: e.SENDGRID_API_KEY,
  baseUrl: e.SENDGRID_BASE_URL,
  timeoutMs: e.SENDGRID_TIMEOUT_MS,
  from: e.KAIROS_EMAIL_FROM,
});

export const deploymentVars = z.object({
  KAIROS_ENV: runtimeVars.shape.KAIROS_ENV,
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
});
export const deploymentSettings = (e: z.infer<typeof deploymentVars>) => ({
  name: e.KAIROS_DEPLOYMENT_NAME,
  buildId: e.KAIROS_BUILD_ID ?? defaultBuildId(),
  versioning: e.KAIROS_WORKER_VERSIONING ?? e.KAIROS_ENV === 'production',
});

class ConfigError extends Error {
  override name = 'ConfigError';
}

function configError(lines: string[]): ConfigError {
  return new ConfigError(`Invalid environment:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/** Parses the variables a schema names; an error lists every bad one, `NAME: reason`. */
export function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  return parsed.data;
}
