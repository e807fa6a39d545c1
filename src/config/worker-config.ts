// The worker process's settings (`npm run worker`): the database, Temporal and its Worker
// Deployment, SendGrid, the contact policy, and how program changes reach customers.
import { z } from 'zod';
import {
  databaseSettings,
  databaseVars,
  deploymentSettings,
  deploymentVars,
  httpVars,
  parseEnv,
  port,
  publicUrlOf,
  required,
  runtimeSettings,
  runtimeVars,
  sendGridSettings,
  sendGridVars,
  signingSecret,
  temporalSettings,
  temporalVars,
} from './env';

const workerVars = z.object({
  ...runtimeVars.shape,
  // The worker signs links that point at the API: it needs the API's public address, not its own.
  ...httpVars.shape,
  ...databaseVars.shape,
  ...temporalVars.shape,
  ...deploymentVars.shape,
  ...sendGridVars.shape,
  SENDGRID_API_KEY: required('the worker sends email').min(1),
  KAIROS_SIGNING_SECRET: signingSecret('every marketing email carries a signed unsubscribe link'),
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
  /** Where the worker serves /metrics (Prometheus); unset, it serves none. */
  KAIROS_METRICS_PORT: port.optional(),
  KAIROS_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /** The Temporal SDK's own exporter (task latencies, slots, cache), appended to /metrics; unset, off. */
  KAIROS_SDK_METRICS_PORT: port.optional(),
  /** Rows an import writes per batch (and checkpoint). */
  KAIROS_IMPORT_BATCH_ROWS: z.coerce.number().int().min(1).max(10_000).default(5000),
  /** How long one import chunk (activity) runs before its workflow starts the next. */
  KAIROS_IMPORT_CHUNK_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
});

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(workerVars, env);
  return {
    ...runtimeSettings(e),
    publicUrl: publicUrlOf(e),
    signingSecret: e.KAIROS_SIGNING_SECRET,
    database: databaseSettings(e),
    temporal: temporalSettings(e),
    deployment: deploymentSettings(e),
    email: { ...sendGridSettings(e), apiKey: e.SENDGRID_API_KEY },
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
    shutdownGraceMs: e.KAIROS_WORKER_SHUTDOWN_GRACE_MS,
    imports: { batchSize: e.KAIROS_IMPORT_BATCH_ROWS, chunkMs: e.KAIROS_IMPORT_CHUNK_MS },
    metrics: {
      port: e.KAIROS_METRICS_PORT,
      host: e.KAIROS_METRICS_HOST,
      /** The SDK's exporter listens on loopback only: the worker's /metrics serves it. */
      sdkAddress: e.KAIROS_SDK_METRICS_PORT === undefined ? undefined : `127.0.0.1:${e.KAIROS_SDK_METRICS_PORT}`,
    },
  };
}

export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
