// npm start on a .data/ written by an older engine moves its Temporal store aside (journeys start
// over) instead of leaving every customer workflow failing to replay; the same engine keeps it.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retireOtherEngineData } from '../../src/dev/engine-data';
import { INTERPRETER_VERSION } from '../../workflows/search-attributes';

const quiet = { warn: jest.fn() };

test('a store from before the marker existed is moved aside with a warning, and the marker written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-engine-data-'));
  writeFileSync(join(dir, 'temporal.db'), 'old');
  writeFileSync(join(dir, 'temporal.db-wal'), 'old wal');
  const retired = retireOtherEngineData(dir, quiet);
  expect(retired).toBeDefined();
  expect(readFileSync(join(retired!, 'temporal.db'), 'utf8')).toBe('old');
  expect(existsSync(join(retired!, 'temporal.db-wal'))).toBe(true);
  expect(existsSync(join(dir, 'temporal.db'))).toBe(false);
  expect(readFileSync(join(dir, 'temporal-engine'), 'utf8')).toBe(INTERPRETER_VERSION);
  expect(quiet.warn).toHaveBeenCalledWith(
    expect.objectContaining({ writtenBy: 'before 7' }),
    expect.stringContaining('journeys in flight start over'),
  );
});

test('a store written by this engine is kept, and a fresh directory has nothing to move', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-engine-data-'));
  expect(retireOtherEngineData(dir, quiet)).toBeUndefined(); // fresh: marker only
  writeFileSync(join(dir, 'temporal.db'), 'mine');
  expect(retireOtherEngineData(dir, quiet)).toBeUndefined();
  expect(readFileSync(join(dir, 'temporal.db'), 'utf8')).toBe('mine');
});

test('a store from another engine version is moved aside', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kairos-engine-data-'));
  writeFileSync(join(dir, 'temporal.db'), 'other');
  writeFileSync(join(dir, 'temporal-engine'), 'older');
  expect(retireOtherEngineData(dir, quiet)).toMatch(/temporal-engine-older-/);
});
