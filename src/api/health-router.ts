// Liveness (the process answers) and readiness (Temporal and the database answer).
import type { publicRoutes } from '../contracts/routes/public';
import type { Db } from '../db/prisma';
import type { Handlers } from './mount-routes';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

export function healthHandlers(probes: ReadinessProbe[]): Pick<Handlers<typeof publicRoutes>, 'health' | 'ready'> {
  return {
    health: () => ({ status: 'ok' }),
    ready: async ({ res }) => {
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
      const checks = Object.fromEntries(results);
      if (results.every(([, s]) => s === 'ok')) return { status: 200, body: { status: 'ready', checks } };
      res.setHeader('Retry-After', '5');
      return { status: 503, body: { status: 'not ready', checks } };
    },
  };
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
