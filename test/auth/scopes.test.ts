// The scope rule: a key may do what its scopes name, and admin may do everything.
import { SCOPES, grants, knownScopes } from '../../src/contracts/scopes';

test('a scope grants itself and nothing else', () => {
  expect(grants(['ingest'], 'ingest')).toBe(true);
  expect(grants(['ingest'], 'read')).toBe(false);
  expect(grants(['read'], 'ingest')).toBe(false);
  expect(grants(['ingest', 'read'], 'admin')).toBe(false);
  expect(grants([], 'read')).toBe(false);
});

test('admin grants every scope', () => {
  for (const scope of SCOPES) expect(grants(['admin'], scope)).toBe(true);
});

test('scopes read back from storage drop anything unknown (fail closed)', () => {
  expect(knownScopes(['read', 'superuser', 'ADMIN', 'ingest'])).toEqual(['read', 'ingest']);
});
