// The admin API for experiments: start one on a live program, read results, promote, stop.
import type { experimentRoutes } from '../contracts/routes/experiments';
import type { ExperimentService } from '../experiments/experiment-service';
import type { Handlers } from './mount-routes';

export function experimentHandlers({
  experiments,
}: {
  experiments: ExperimentService;
}): Handlers<typeof experimentRoutes> {
  return {
    start: ({ params, body, principal }) => experiments.start(params.id, body, principal.keyId),
    list: ({ params }) => experiments.list(params.id),
    get: ({ params }) => experiments.get(params.id),
    results: ({ params }) => experiments.results(params.id),
    promote: ({ params, body, principal }) => experiments.promote(params.id, body.variant, principal.keyId),
    stop: ({ params, principal }) => experiments.stop(params.id, principal.keyId),
  };
}
