// `npm start`'s settings: the API's and the worker's (src/config), under development defaults
// (the local sink as SendGrid, no quiet hours), plus where the launcher keeps its data and which
// ports its embedded servers take.
import { z } from 'zod';
import { loadApiConfig } from '../config/api-config';
import { databaseVars, parseEnv, port } from '../config/env';
import { loadWorkerConfig } from '../config/worker-config';

const devVars = z.object({
  KAIROS_DATA_DIR: z.string().min(1).default('.data'),
  KAIROS_SINK_PORT: port.default(3030),
  KAIROS_TEMPORAL_UI_PORT: port.default(8233),
  /** The embedded PostgreSQL's port, when DATABASE_URL is unset. */
  KAIROS_POSTGRES_PORT: port.default(15432),
  DATABASE_URL: databaseVars.shape.DATABASE_URL.optional(),
  /** Set: a Temporal server of the user's, so `npm start` must not start its own. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
});

/** The launcher's own settings, read before anything starts. */
export function loadDevSettings(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(devVars, env);
  return {
    dataDir: e.KAIROS_DATA_DIR,
    sinkPort: e.KAIROS_SINK_PORT,
    temporalUiPort: e.KAIROS_TEMPORAL_UI_PORT,
    ownTemporal: e.TEMPORAL_ADDRESS === undefined,
  };
}

/**
 * Where `npm start` (and the benchmarks) find PostgreSQL: DATABASE_URL's server when it is set,
 * else the embedded one with its data in `<KAIROS_DATA_DIR>/postgres` on KAIROS_POSTGRES_PORT.
 */
export function loadDevDatabase(env: NodeJS.ProcessEnv = process.env): { url?: string; dataDir: string; port: number } {
  const e = parseEnv(devVars, env);
  return { url: e.DATABASE_URL, dataDir: `${e.KAIROS_DATA_DIR}/postgres`, port: e.KAIROS_POSTGRES_PORT };
}

/**
 * The environment Kairos runs with under `npm start` and `npm run cluster`: the user's over what
 * the launcher found over development defaults. The cluster hands it to its processes.
 */
export function devEnvironment(discovered: Record<string, string>, env: NodeJS.ProcessEnv = process.env) {
  const dev = loadDevSettings(env);
  return {
    KAIROS_ENV: 'development',
    SENDGRID_API_KEY: 'SG.local-sink',
    SENDGRID_BASE_URL: `http://127.0.0.1:${dev.sinkPort}/`,
    // The demo should answer at any hour of the day; quiet hours are a production default.
    KAIROS_QUIET_HOURS: 'off',
    // Histories encrypted in development too, so the codec runs where it is written. A fixed,
    // public key (the text `kairos-dev-payload-key--32-bytes`): it protects nothing, and the
    // development Temporal store stays readable across restarts. Never use it in production.
    KAIROS_PAYLOAD_KEYS: 'dev-1:a2Fpcm9zLWRldi1wYXlsb2FkLWtleS0tMzItYnl0ZXM=',
    // The embedded Temporal Web UI may call the codec routes from the browser.
    KAIROS_CODEC_CORS_ORIGIN: `http://localhost:${dev.temporalUiPort}`,
    ...discovered,
    ...env,
  };
}

/** The API's and the worker's settings for `npm start`, from devEnvironment. */
export function loadDevConfig(discovered: Record<string, string>, env: NodeJS.ProcessEnv = process.env) {
  const merged = devEnvironment(discovered, env);
  return { dev: loadDevSettings(env), api: loadApiConfig(merged), worker: loadWorkerConfig(merged) };
}
export type DevConfig = ReturnType<typeof loadDevConfig>;
