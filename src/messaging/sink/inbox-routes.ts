// The sink's inbox API: list, read and clear messages, and trigger open/click webhook events.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { EventWebhookPoster } from './event-webhook-poster';
import { renderInboxPage } from './inbox-page';
import { sendGridError, toSendGridErrors } from './mail-send-schema';
import { buildEvent, type SinkEventType } from './sink-events';
import type { SinkStore } from './sink-store';

export interface InboxRouteDeps {
  store: SinkStore;
  /** Absent when the sink has no webhookUrl. */
  poster?: EventWebhookPoster;
}

const listQuery = z.object({ to: z.string().min(1).optional() });
const eventBody = z.object({ email: z.email().optional(), url: z.url().optional() });

export function createInboxRouter(deps: InboxRouteDeps): Router {
  const { store, poster } = deps;
  const router = Router();

  router.get('/', (_req, res) => {
    res.type('html').send(renderInboxPage(store.list()));
  });
  router.get('/inbox', (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ errors: toSendGridErrors(query.error) });
    res.json(store.list(query.data));
  });
  router.get('/inbox/:id', (req, res) => {
    const message = store.get(req.params.id);
    if (!message) return void notFound(res);
    res.json(message);
  });
  router.delete('/inbox', (_req, res) => {
    store.clear();
    res.status(204).end();
  });

  const trigger = (event: SinkEventType) =>
    router.post(`/inbox/:id/${event}`, async (req, res) => {
      const message = store.get(req.params.id);
      if (!message) return void notFound(res);
      const body = eventBody.safeParse(req.body ?? {});
      if (!body.success) return void res.status(400).json({ errors: toSendGridErrors(body.error) });
      const { url } = body.data;
      if (event === 'click' && !url) return void res.status(400).json(sendGridError('A click needs a url.', 'url'));
      const email = body.data.email ?? message.to[0] ?? '';
      if (!message.to.includes(email)) {
        return void res.status(400).json(sendGridError('Not a recipient of this message.', 'email'));
      }
      if (!poster) return void res.status(409).json(sendGridError('The sink was started without a webhookUrl.'));
      const events = [buildEvent(message, email, event, { url })];
      // Awaited, unlike `delivered`: tests trigger these and want the receiver to have the batch.
      const delivered = await poster.deliver(events);
      res.status(delivered ? 200 : 502).json({ delivered, events });
    });
  trigger('open');
  trigger('click');

  return router;
}

function notFound(res: Response): void {
  res.status(404).json(sendGridError('No message with this id.', 'id'));
}
