// The admin API for staged rollouts: start one, read it with its guardrail evaluations, abort it.
import type { rolloutRoutes } from '../contracts/routes/rollouts';
import type { RolloutService } from '../rollouts/rollout-service';
import type { Handlers } from './mount-routes';

export function rolloutHandlers({ rollouts }: { rollouts: RolloutService }): Handlers<typeof rolloutRoutes> {
  return {
    start: ({ params, body, principal }) => rollouts.start(params.id, body, principal.keyId),
    list: ({ params }) => rollouts.list(params.id),
    get: ({ params }) => rollouts.get(params.id),
    abort: ({ params, principal }) => rollouts.abort(params.id, principal.keyId),
  };
}
