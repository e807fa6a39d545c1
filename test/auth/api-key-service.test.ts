// API keys on a real PostgreSQL: shown once, stored as a digest, verified by digest, revoked for
// good; the bootstrap key is an admin that never touches the table.
import { NotFoundError } from '../../src/core/errors';
import { createHash } from 'node:crypto';
import { BOOTSTRAP_KEY_ID, createApiKeyService, type ApiKeyService } from '../../src/auth/api-key-service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const BOOTSTRAP = 'bootstrap-key-0123456789abcdef';
let database: TestDatabase;
let clock: Date;
let keys: ApiKeyService;

beforeAll(async () => {
  database = await createTestDatabase();
});
beforeEach(() => {
  clock = new Date('2026-11-23T10:00:00Z');
  keys = createApiKeyService({ db: database.db, bootstrapKey: BOOTSTRAP, now: () => clock });
});
afterAll(async () => {
  await database?.drop();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

test('a new key is kairos_<id>_<secret>, returned once and stored only as its sha256 digest', async () => {
  const created = await keys.create({ name: 'web shop', scopes: ['ingest'] }, BOOTSTRAP_KEY_ID);
  expect(created.id).toMatch(/^[0-9a-f]{12}$/);
  expect(created.key).toMatch(new RegExp(`^kairos_${created.id}_[0-9a-f]{64}$`));
  const row = await database.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
  expect(row).toMatchObject({ name: 'web shop', scopes: ['ingest'], digest: sha256(created.key), revokedAt: null });
  expect(JSON.stringify(row)).not.toContain(created.key.split('_')[2]);
  const listed = await keys.list();
  expect(listed.find((k) => k.id === created.id)).toEqual({
    id: created.id,
    name: 'web shop',
    scopes: ['ingest'],
    createdAt: row.createdAt,
    lastUsedAt: null,
    revokedAt: null,
  });
  expect(JSON.stringify(listed)).not.toMatch(/digest|kairos_/);
});

test('two keys never share an id or a secret', async () => {
  const [a, b] = await Promise.all([
    keys.create({ name: 'a', scopes: ['read'] }, 'x'),
    keys.create({ name: 'b', scopes: ['read'] }, 'x'),
  ]);
  expect(a.id).not.toBe(b.id);
  expect(a.key).not.toBe(b.key);
});

test('verify finds a key by digest and answers its id and scopes', async () => {
  const { id, key } = await keys.create({ name: 'reader', scopes: ['read', 'ingest'] }, 'x');
  expect(await keys.verify(key)).toEqual({ ok: true, principal: { keyId: id, scopes: ['read', 'ingest'] } });
  expect(await keys.verify(`${key}x`)).toEqual({ ok: false, reason: 'unknown' });
  expect(await keys.verify(key.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')))).toEqual({
    ok: false,
    reason: 'unknown',
  });
});

test('a revoked key fails verification from then on; revoking again keeps the first time', async () => {
  const { id, key } = await keys.create({ name: 'leaked', scopes: ['admin'] }, 'x');
  const revoked = await keys.revoke(id, 'x');
  expect(revoked.revokedAt).toEqual(clock);
  expect(await keys.verify(key)).toEqual({ ok: false, reason: 'revoked' });
  clock = new Date(clock.getTime() + 3_600_000);
  expect((await keys.revoke(id, 'x')).revokedAt).toEqual(revoked.revokedAt);
  await expect(keys.revoke('no-such-key', 'x')).rejects.toBeInstanceOf(NotFoundError);
});

test('the bootstrap key verifies as admin and is never stored', async () => {
  const before = await database.db.apiKey.count();
  expect(await keys.verify(BOOTSTRAP)).toEqual({ ok: true, principal: { keyId: BOOTSTRAP_KEY_ID, scopes: ['admin'] } });
  expect(await database.db.apiKey.count({ where: { digest: sha256(BOOTSTRAP) } })).toBe(0);
  expect(await database.db.apiKey.count()).toBe(before);
  const without = createApiKeyService({ db: database.db, bootstrapKey: undefined });
  expect(await without.verify(BOOTSTRAP)).toEqual({ ok: false, reason: 'unknown' });
});

test('lastUsedAt is written at most once a minute per key', async () => {
  const { id, key } = await keys.create({ name: 'busy', scopes: ['ingest'] }, 'x');
  const lastUsed = async () => (await database.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
  const first = clock;
  await keys.verify(key);
  expect(await lastUsed()).toEqual(first);
  clock = new Date(first.getTime() + 59_000);
  await keys.verify(key);
  expect(await lastUsed()).toEqual(first);
  clock = new Date(first.getTime() + 60_000);
  await keys.verify(key);
  expect(await lastUsed()).toEqual(clock);
});

test('creating and revoking a key are audited under the acting key', async () => {
  const { id, key } = await keys.create({ name: 'audited', scopes: ['read'] }, 'admin-key-1');
  await keys.revoke(id, 'admin-key-2');
  const entries = await database.db.auditEntry.findMany({
    where: { resource: `api-key:${id}` },
    orderBy: { id: 'asc' },
  });
  expect(entries.map((e) => [e.actor, e.action])).toEqual([
    ['admin-key-1', 'api-key.create'],
    ['admin-key-2', 'api-key.revoke'],
  ]);
  expect(entries[0]?.after).toEqual({ name: 'audited', scopes: ['read'] });
  expect(JSON.stringify(entries.map((e) => [e.before, e.after]))).not.toContain(key);
});
