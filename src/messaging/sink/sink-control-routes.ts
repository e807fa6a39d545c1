// The sink's own control API under /_sink: fault injection and the webhook verification key.
import { Router } from 'express';
import { toSendGridErrors } from './mail-send-schema';
import { faultSpec, type SinkFaults } from './sink-faults';

export interface SinkControlRouteDeps {
  faults: SinkFaults;
  publicKey: string;
}

export function createSinkControlRouter(deps: SinkControlRouteDeps): Router {
  const router = Router();
  router.get('/_sink/faults', (_req, res) => {
    res.json({ fault: deps.faults.current() });
  });
  router.post('/_sink/faults', (req, res) => {
    const spec = faultSpec.safeParse(req.body ?? {});
    if (!spec.success) return void res.status(400).json({ errors: toSendGridErrors(spec.error) });
    deps.faults.set(spec.data);
    res.json({ fault: spec.data });
  });
  router.delete('/_sink/faults', (_req, res) => {
    deps.faults.clear();
    res.status(204).end();
  });
  router.get('/_sink/webhook-public-key', (_req, res) => {
    res.json({ publicKey: deps.publicKey });
  });
  return router;
}
