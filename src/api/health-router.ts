// Liveness (the process answers) and readiness (Temporal and the database answer).
import { Router } from 'express';
import type { Db } from '../db/prisma';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

export function healthRouter(probes: ReadinessProbe[]): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      probes.map(async (p) => {
        try {
          await withTimeout(p.check(), 2000);
          return [p.name, 'ok'] as const;
        } catch (err) {
          return [p.name, `unavailable: ${(err as Error).message.split('\n')[0]}`] as const;
        }
      }),
    );
    const ready = results.every(([, s]) => s === 'ok');
    if (!ready) res.setHeader('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
  return router;
}

export function databaseProbe(db: Db): ReadinessProbe {
  return { name: 'database', check: async () => void (await db.$queryRaw`SELECT 1`) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref()),
  ]);
}
