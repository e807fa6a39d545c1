// The `kairos` CLI's settings. Each command parses only the pieces it uses: replay and history
// export need Temporal alone, `deploy` the Worker Deployment too, `trace` the database as well,
// and `programs` the admin API's address and key.
import { z } from 'zod';
import {
  databaseSettings,
  databaseVars,
  deploymentSettings,
  deploymentVars,
  parseEnv,
  payloadKeysVars,
  temporalSettings,
  temporalVars,
} from './env';

export const loadTemporalConfig = (env: NodeJS.ProcessEnv = process.env) =>
  temporalSettings(parseEnv(temporalVars, env));

export const loadPayloadKeys = (env: NodeJS.ProcessEnv = process.env) =>
  parseEnv(payloadKeysVars, env).KAIROS_PAYLOAD_KEYS ?? [];

export const loadDeploymentConfig = (env: NodeJS.ProcessEnv = process.env) =>
  deploymentSettings(parseEnv(deploymentVars, env));

export const loadDatabaseConfig = (env: NodeJS.ProcessEnv = process.env) =>
  databaseSettings(parseEnv(databaseVars, env));

const adminClientVars = z.object({
  /** Where `kairos programs` finds the admin API. */
  KAIROS_API_URL: z.url().default('http://127.0.0.1:3000'),
  /** An API key with the admin scope. */
  KAIROS_API_KEY: z.string().min(1).optional(),
});

/** The admin API's address and key, for commands that work through it (`kairos programs apply`). */
export function loadAdminClientConfig(env: NodeJS.ProcessEnv = process.env) {
  const e = parseEnv(adminClientVars, env);
  return { url: e.KAIROS_API_URL.replace(/\/$/, ''), apiKey: e.KAIROS_API_KEY };
}
