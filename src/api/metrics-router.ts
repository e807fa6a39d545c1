// GET /metrics, and the middleware that counts every request by the route table's path: the raw
// URL would give Prometheus a label value per customer id.
import type { Request, RequestHandler } from 'express';
import type { publicRoutes } from '../contracts/routes/public';
import type { ApiMetrics } from '../metrics/api-metrics';
import type { Handlers } from './mount-routes';

export function metricsHandlers(metrics: ApiMetrics): Pick<Handlers<typeof publicRoutes>, 'metrics'> {
  return {
    metrics: async ({ res }) => void res.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  };
}

export function countRequests(metrics: Pick<ApiMetrics, 'request'>): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () =>
      metrics.request(req.method, routeOf(req, res.statusCode), res.statusCode, (performance.now() - started) / 1000),
    );
    next();
  };
}

/** The table's path of the route that answered; the console's and the docs' files; or no route. */
function routeOf(req: Request, status: number): string {
  const path: unknown = req.route?.path;
  if (typeof path === 'string') return path;
  return status === 404 ? 'unmatched' : 'files';
}
