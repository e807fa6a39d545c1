// Composition of the `kairos` CLI: what a command may ask for, each built on demand from only the
// settings it needs (src/config/cli-config.ts), so `kairos replay` never asks for DATABASE_URL.
// `run` (src/cli/kairos.ts) composes it from the process environment, tests from their own.
import { Client, Connection } from '@temporalio/client';
import {
  loadAdminClientConfig,
  loadDatabaseConfig,
  loadDeploymentConfig,
  loadPayloadKeys,
  loadTemporalConfig,
} from '../config/cli-config';
import type { TemporalSettings } from '../config/env';
import { createDb, type Db } from '../db/prisma';
import { temporalConnectionOptions } from '../temporal/connection';
import { payloadDataConverter } from '../temporal/payload-codec';

export interface TemporalSession {
  client: Client;
  config: TemporalSettings;
  close(): Promise<void>;
}

export function composeCli(env: NodeJS.ProcessEnv) {
  return {
    /** A Temporal client from the TEMPORAL_* settings alone: replay and export need no database. */
    async temporal(): Promise<TemporalSession> {
      const config = loadTemporalConfig(env);
      const connection = await Connection.connect(temporalConnectionOptions(config));
      return {
        client: new Client({
          connection,
          namespace: config.namespace,
          dataConverter: payloadDataConverter(config.payloadKeys),
        }),
        config,
        close: () => connection.close(),
      };
    },
    /** A small pool: a command reads a few rows. The caller disconnects it. */
    database(): Db {
      return createDb({ ...loadDatabaseConfig(env), poolSize: 2 });
    },
    deployment: () => loadDeploymentConfig(env),
    /** The payload codec alone (KAIROS_PAYLOAD_KEYS): `replay --file` decrypts without a server. */
    dataConverter: () => payloadDataConverter(loadPayloadKeys(env)),
    adminApi: () => loadAdminClientConfig(env),
  };
}

export type CliServices = ReturnType<typeof composeCli>;
