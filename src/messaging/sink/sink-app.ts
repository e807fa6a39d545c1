// Assembles the SendGrid-compatible sink's express app from its parts; listening is start-sink's job.
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from 'pino';
import type { EventWebhookPoster } from './event-webhook-poster';
import { createInboxRouter } from './inbox-routes';
import { createMailSendRouter } from './mail-send-route';
import { sendGridError } from './mail-send-schema';
import { createSinkControlRouter } from './sink-control-routes';
import { deliveredEvents } from './sink-events';
import type { SinkFaults } from './sink-faults';
import type { SinkStore } from './sink-store';

export interface SinkAppDeps {
  store: SinkStore;
  faults: SinkFaults;
  publicKey: string;
  /** Absent when no webhookUrl is configured: no events are posted. */
  poster?: EventWebhookPoster;
  /** How long after acceptance the `delivered` batch is posted. */
  deliveredDelayMs: number;
  logger: Logger;
  /** Aborted when the sink closes, to cut injected delays short. */
  signal: AbortSignal;
}

export function createSinkApp(deps: SinkAppDeps): Express {
  const { store, faults, poster, logger } = deps;
  const app = express();
  // SendGrid's own limit for a whole v3 request.
  app.use(express.json({ limit: '30mb' }));
  app.use(
    createMailSendRouter({
      store,
      faults,
      signal: deps.signal,
      onAccepted(messages) {
        logger.info({ ids: messages.map((m) => m.id), to: messages.flatMap((m) => m.to) }, 'sink accepted email');
        for (const message of messages) poster?.schedule(deliveredEvents(message), deps.deliveredDelayMs);
      },
    }),
  );
  app.use(createInboxRouter({ store, poster }));
  app.use(createSinkControlRouter({ faults, publicKey: deps.publicKey }));
  app.use((_req, res) => {
    res.status(404).json(sendGridError('Not found.'));
  });
  app.use(sinkErrorHandler(logger));
  return app;
}

/** Body-parser failures keep their 4xx; anything else is the sink's bug and logged as such. */
function sinkErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json(sendGridError(error instanceof Error ? error.message : 'Bad request.'));
      return;
    }
    logger.error({ err: error }, 'sink request failed');
    if (!res.headersSent) res.status(500).json(sendGridError('Sink internal error.'));
  };
}
