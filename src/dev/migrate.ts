// Brings the development database to the current schema before any Kairos process uses it
// (`npm start`, `npm run cluster`), with the project's own Prisma wrapper.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

export function migrateDatabase(url: string): void {
  execFileSync('bash', [join(root, 'scripts/prisma.sh'), 'migrate', 'deploy'], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
