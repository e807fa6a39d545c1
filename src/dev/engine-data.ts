// The development Temporal store holds customer workflows started by the engine that wrote it.
// Before the first release, an engine change that cannot replay them (a new baseline) retires
// the store rather than leave every customer workflow failing its tasks: it is moved aside, and
// journeys start over. Profiles, events and programs live in PostgreSQL and are kept.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { INTERPRETER_VERSION } from '../../workflows/search-attributes';

const STORE_FILES = ['temporal.db', 'temporal.db-shm', 'temporal.db-wal'];
const MARKER = 'temporal-engine';

/** Where the store was moved, when it was written by another engine; else undefined. */
export function retireOtherEngineData(dataDir: string, logger: Pick<Logger, 'warn'>): string | undefined {
  const marker = join(dataDir, MARKER);
  const writtenBy = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : 'before 7';
  const hasStore = existsSync(join(dataDir, STORE_FILES[0]!));
  writeFileSync(marker, INTERPRETER_VERSION);
  if (!hasStore || writtenBy === INTERPRETER_VERSION) return undefined;
  const retired = join(
    dataDir,
    'retired',
    `temporal-engine-${writtenBy.replace(/\W+/g, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
  );
  mkdirSync(retired, { recursive: true });
  for (const file of STORE_FILES)
    if (existsSync(join(dataDir, file))) renameSync(join(dataDir, file), join(retired, file));
  logger.warn(
    { retired, engine: INTERPRETER_VERSION, writtenBy },
    `The development Temporal data was written by an older engine (${writtenBy}) that this build cannot replay. ` +
      `It was moved to ${retired}; journeys in flight start over. ` +
      `Profiles, events and programs in PostgreSQL are kept.`,
  );
  return retired;
}
