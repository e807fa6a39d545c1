// The admin API for broadcasts: create, list, read with progress, pause, resume, cancel.
import type { broadcastRoutes } from '../contracts/routes/broadcasts';
import type { BroadcastService } from '../broadcasts/broadcast-service';
import type { Handlers } from './mount-routes';

export function broadcastHandlers({ broadcasts }: { broadcasts: BroadcastService }): Handlers<typeof broadcastRoutes> {
  return {
    create: ({ body, principal }) => broadcasts.create(body, principal.keyId),
    list: () => broadcasts.list(),
    get: ({ params }) => broadcasts.get(params.id),
    pause: ({ params, principal }) => broadcasts.pause(params.id, principal.keyId),
    resume: ({ params, principal }) => broadcasts.resume(params.id, principal.keyId),
    cancel: ({ params, principal }) => broadcasts.cancel(params.id, principal.keyId),
  };
}
