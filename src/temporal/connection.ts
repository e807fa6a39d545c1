// Connection options for a Temporal dev server, a self-hosted cluster (mTLS) or Temporal Cloud
// (API key or mTLS), shared by the client (API) and the native connection (worker).
import { readFileSync } from 'node:fs';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalSettings } from '../config/env';

export function temporalConnectionOptions(
  config: TemporalSettings,
): Pick<NativeConnectionOptions, 'address' | 'apiKey' | 'tls'> {
  const { tls } = config;
  return {
    address: config.address,
    apiKey: config.apiKey,
    tls: tls && {
      serverNameOverride: tls.serverName,
      serverRootCACertificate: tls.serverCaCertPath ? readFileSync(tls.serverCaCertPath) : undefined,
      clientCertPair:
        tls.clientCertPath && tls.clientKeyPath
          ? { crt: readFileSync(tls.clientCertPath), key: readFileSync(tls.clientKeyPath) }
          : undefined,
    },
  };
}
