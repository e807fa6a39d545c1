// The API process's settings (`npm run api`): HTTP, keys, the database, Temporal, and SendGrid for
// template test sends and its Event Webhook.
import { resolve } from 'node:path';
import type { StringValue } from 'ms';
import { z } from 'zod';
import {
  databaseSettings,
  databaseVars,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  httpVars,
  parseEnv,
  publicUrlOf,
  runtimeSettings,
  runtimeVars,
  sendGridSettings,
  sendGridVars,
  signingSecret,
  temporalSettings,
  temporalVars,
} from './env';

const apiVars = z.object({
  ...runtimeVars.shape,
  ...httpVars.shape,
  ...databaseVars.shape,
  ...temporalVars.shape,
  ...sendGridVars.shape,
  KAIROS_BOOTSTRAP_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  KAIROS_SIGNING_SECRET: signingSecret('the API verifies the unsubscribe links the worker signs'),
  /** Requests a minute each API key may make (per API process). */
  KAIROS_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_RATE_LIMIT_PER_MINUTE),
  /** Verifies SendGrid's signed Event Webhook: the base64 SPKI DER "verification key" SendGrid shows. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{40,}={0,2}$/, 'must be the base64 verification key SendGrid shows')
    .optional(),
  /**
   * The one origin (the Temporal Web UI's, e.g. `https://temporal-ui.example.com`) whose pages may
   * call the codec routes (/v1/codec/*) from the browser. Unset: no cross-origin calls at all.
   */
  KAIROS_CODEC_CORS_ORIGIN: z
    .url()
    .transform((v) => v.replace(/\/$/, ''))
    .refine((v) => new URL(v).origin === v, 'must be an origin: scheme, host and port, no path')
    .optional(),
  /** `npm start`'s data directory: the import directories below default to places in it. */
  KAIROS_DATA_DIR: z.string().min(1).default('.data'),
  /** Where uploaded import files are stored until their import ends. Default: <KAIROS_DATA_DIR>/imports. */
  KAIROS_IMPORT_DIR: z.string().min(1).optional(),
  /**
   * The directories a file:// import source may be in, comma-separated; the workers read the file
   * there, so it must be storage they share. Default: <KAIROS_DATA_DIR>/import-sources.
   */
  KAIROS_IMPORT_SOURCE_DIRS: z.string().min(1).optional(),
  /**
   * How often the Schedule kairos:refresh-segments recomputes every segment over every customer:
   * a whole minute count or hours (`5m`, `1h`). At a million customers a recompute of 20 segments
   * takes minutes, so larger bases want a longer interval.
   */
  KAIROS_SEGMENTS_REFRESH_EVERY: z
    .string()
    .regex(/^[1-9]\d*[mh]$/, 'must be whole minutes or hours, such as 5m or 1h')
    .default('5m')
    .transform((v) => v as StringValue),
});

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(apiVars, env);
  return {
    ...runtimeSettings(e),
    api: {
      host: e.KAIROS_API_HOST,
      port: e.KAIROS_API_PORT,
      publicUrl: publicUrlOf(e),
      bootstrapKey: e.KAIROS_BOOTSTRAP_KEY,
      rateLimitPerMinute: e.KAIROS_RATE_LIMIT_PER_MINUTE,
      webhookPublicKey: e.SENDGRID_WEBHOOK_PUBLIC_KEY,
      codecCorsOrigin: e.KAIROS_CODEC_CORS_ORIGIN,
    },
    signingSecret: e.KAIROS_SIGNING_SECRET,
    /** Absolute paths, so the workers read what the API stored wherever they run from. */
    imports: {
      uploadDir: resolve(e.KAIROS_IMPORT_DIR ?? `${e.KAIROS_DATA_DIR}/imports`),
      sourceDirs: (e.KAIROS_IMPORT_SOURCE_DIRS ?? `${e.KAIROS_DATA_DIR}/import-sources`)
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean)
        .map((d) => resolve(d)),
    },
    schedules: { segmentsEvery: e.KAIROS_SEGMENTS_REFRESH_EVERY },
    database: databaseSettings(e),
    temporal: temporalSettings(e),
    /** Without SENDGRID_API_KEY, template test sends answer 503 and the rest works. */
    email: sendGridSettings(e),
  };
}

export type ApiConfig = ReturnType<typeof loadApiConfig>;
