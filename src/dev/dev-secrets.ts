// The development secrets of `npm start` and `npm run cluster`: the admin key and the link-signing
// secret, generated on first start and kept in the data folder, so a restart keeps the key the
// user was shown. The environment's win over them (loadDevConfig).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function devSecrets(dataDir: string): { KAIROS_BOOTSTRAP_KEY: string; KAIROS_SIGNING_SECRET: string } {
  return {
    KAIROS_BOOTSTRAP_KEY: persistentKey(join(dataDir, 'bootstrap-key')),
    KAIROS_SIGNING_SECRET: persistentKey(join(dataDir, 'signing-secret')),
  };
}

function persistentKey(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const key = `kairos_dev_${randomBytes(18).toString('hex')}`;
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}
