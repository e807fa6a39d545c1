// API keys: minted once as `kairos_<prefix>_<secret>`, stored only as a sha256 digest, checked
// by digest, revoked by id. The bootstrap key from config is an admin key that is never stored.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NewApiKey } from '../contracts/routes/admin';
import { NotFoundError } from '../core/errors';
import type { Db } from '../db/prisma';
import { knownScopes, type Scope } from '../contracts/scopes';

/** Who is calling: the key's id (never its secret) and what it may do. */
export interface Principal {
  keyId: string;
  scopes: Scope[];
}

/** A key as the API shows it: never the digest, and the secret only once, at creation. */
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type Verification = { ok: true; principal: Principal } | { ok: false; reason: 'unknown' | 'revoked' };

export const BOOTSTRAP_KEY_ID = 'bootstrap';

/** Writing `lastUsedAt` on every request would turn each read into a write; a minute is precise enough. */
const LAST_USED_GRANULARITY_MS = 60_000;

const view = { id: true, name: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export function createApiKeyService(deps: { db: Db; bootstrapKey: string | undefined; now?: () => Date }) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const bootstrapDigest = deps.bootstrapKey ? digest(deps.bootstrapKey) : undefined;
  const toView = (row: Omit<ApiKeyView, 'scopes'> & { scopes: string[] }): ApiKeyView => ({
    ...row,
    scopes: knownScopes(row.scopes),
  });

  return {
    /** Mints a key. The returned `key` is the only copy of its secret: the table keeps a digest. */
    async create(input: NewApiKey, actor: string): Promise<ApiKeyView & { key: string }> {
      // The prefix is the key's id, so a key seen in a log or a support ticket can be found and
      // revoked without anyone handling its secret. Hex throughout: `_` only ever separates parts.
      const id = randomBytes(6).toString('hex');
      const key = `kairos_${id}_${randomBytes(32).toString('hex')}`;
      const [row] = await db.$transaction([
        db.apiKey.create({
          data: { id, name: input.name, scopes: input.scopes, digest: digest(key).toString('hex') },
          select: view,
        }),
        db.auditEntry.create({
          data: {
            actor,
            action: 'api-key.create',
            resource: `api-key:${id}`,
            after: { name: input.name, scopes: input.scopes },
          },
        }),
      ]);
      return { ...toView(row), key };
    },

    async list(): Promise<ApiKeyView[]> {
      return (await db.apiKey.findMany({ select: view, orderBy: { createdAt: 'asc' } })).map(toView);
    },

    /** Revoking twice keeps the first time: the key stopped working then. */
    async revoke(id: string, actor: string): Promise<ApiKeyView> {
      const existing = await db.apiKey.findUnique({ where: { id }, select: view });
      if (!existing) throw new NotFoundError(`API key ${id}`);
      if (existing.revokedAt) return toView(existing);
      const [row] = await db.$transaction([
        db.apiKey.update({ where: { id }, data: { revokedAt: now() }, select: view }),
        db.auditEntry.create({ data: { actor, action: 'api-key.revoke', resource: `api-key:${id}` } }),
      ]);
      return toView(row);
    },

    async verify(token: string): Promise<Verification> {
      const presented = digest(token);
      // Constant-time against the one secret held in memory; stored keys are found by digest, and
      // an index lookup on a hash reveals nothing useful about the secret.
      if (bootstrapDigest && timingSafeEqual(presented, bootstrapDigest))
        return { ok: true, principal: { keyId: BOOTSTRAP_KEY_ID, scopes: ['admin'] } };
      const row = await db.apiKey.findUnique({ where: { digest: presented.toString('hex') } });
      if (!row) return { ok: false, reason: 'unknown' };
      if (row.revokedAt) return { ok: false, reason: 'revoked' };
      const at = now();
      if (!row.lastUsedAt || at.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
        await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: at } });
      }
      return { ok: true, principal: { keyId: row.id, scopes: knownScopes(row.scopes) } };
    },
  };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
