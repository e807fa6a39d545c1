// The worker's default build id (its Worker Deployment version): what `npm run build` recorded in
// dist/build-id.txt (scripts/build-id.sh: the git sha, else the package version), or the package
// version when running from source. KAIROS_BUILD_ID (src/config.ts) overrides both.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Beside the compiled tree: dist/src/worker/ -> dist/build-id.txt. Running from source, there is none. */
const BUILD_ID_FILE = join(__dirname, '..', '..', 'build-id.txt');

export function defaultBuildId(): string {
  const recorded = existsSync(BUILD_ID_FILE) ? readFileSync(BUILD_ID_FILE, 'utf8').trim() : '';
  return recorded || packageVersion();
}

/** The version in the nearest package.json above this module (the project's, from src/ or dist/src/). */
function packageVersion(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}
