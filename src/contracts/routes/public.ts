// Routes outside API keys: health and metrics, the API's own document, one-click unsubscribe (the signed token
// is the authority) and SendGrid's Event Webhook (its signature is).
import { z } from 'zod';
import { route } from '../route';

export const UNSUBSCRIBE_PATH = '/v1/unsubscribe';
export const SENDGRID_WEBHOOK_PATH = '/v1/webhooks/sendgrid';
/** What SendGrid posts: an array of events, each read on its own (src/webhooks/sendgrid-events.ts). */
export const sendGridBatchSchema = z.array(z.unknown()).min(1).max(10_000);

const tokenQuery = z.object({ token: z.string().min(1).max(2048) });
const page = (description: string) => ({ 200: { description, type: 'text/html' } });
const readiness = z
  .strictObject({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.string()) })
  .meta({ id: 'Readiness', description: 'Each dependency: `ok`, or why it is unavailable' });

export const publicRoutes = {
  health: route({
    method: 'get',
    path: '/healthz',
    scope: 'public',
    tag: 'Health',
    summary: 'Liveness: the process answers',
    responses: { 200: { description: 'OK', schema: z.strictObject({ status: z.literal('ok') }) } },
  }),
  ready: route({
    method: 'get',
    path: '/readyz',
    scope: 'public',
    tag: 'Health',
    summary: 'Readiness: Temporal and the database answer',
    http: true,
    responses: {
      200: { description: 'Ready', schema: readiness },
      503: { description: 'Not ready; Retry-After says when to ask again', schema: readiness },
    },
  }),
  metrics: route({
    method: 'get',
    path: '/metrics',
    scope: 'public',
    tag: 'Health',
    summary: 'Prometheus metrics of this API process',
    description:
      'HTTP requests by route and status, events by outcome, the event outbox backlog, running ' +
      "rollouts' guardrail values, and the Node process's own. Serve it to your Prometheus only.",
    http: true,
    responses: { 200: { description: 'The Prometheus text format', type: 'text/plain' } },
  }),
  openapi: route({
    method: 'get',
    path: '/openapi.json',
    scope: 'public',
    tag: 'Docs',
    summary: 'This document',
    http: true,
    responses: { 200: { description: 'The OpenAPI 3.1 document' } },
  }),
  docs: route({
    method: 'get',
    path: '/docs',
    scope: 'public',
    tag: 'Docs',
    summary: 'This document in Swagger UI',
    http: true,
    responses: page('An HTML page'),
  }),
  unsubscribePage: route({
    method: 'get',
    path: UNSUBSCRIBE_PATH,
    scope: 'public',
    tag: 'Consent',
    summary: 'Unsubscribe confirmation page (?token=): a button that posts; it changes nothing itself',
    description:
      'Not behind API keys: the signed token from the List-Unsubscribe header is the authority. ' +
      'GET never unsubscribes, because mail scanners prefetch links.',
    query: tokenQuery,
    http: true,
    responses: page('An HTML page'),
    errors: [400],
  }),
  unsubscribe: route({
    method: 'post',
    path: UNSUBSCRIBE_PATH,
    scope: 'public',
    tag: 'Consent',
    summary: 'One-click unsubscribe (RFC 8058, ?token=) from the group the token names',
    description:
      'Not behind API keys: the signed token is the authority. Idempotent. ' +
      '400 when the token is malformed or its signature does not match.',
    query: tokenQuery,
    http: true,
    responses: page('Unsubscribed (an HTML page)'),
    errors: [400],
  }),
  sendgridWebhook: route({
    method: 'post',
    path: SENDGRID_WEBHOOK_PATH,
    scope: 'public',
    tag: 'Webhooks',
    summary: "SendGrid's signed Event Webhook (delivery, bounce, unsubscribe...)",
    description:
      'Not behind API keys: SendGrid signs each batch (ECDSA over timestamp + raw body, ' +
      'headers `X-Twilio-Email-Event-Webhook-Signature` and `-Timestamp`). ' +
      '401 when the signature or its age is wrong; ' +
      '503 when no verification key is configured.',
    body: sendGridBatchSchema.meta({ id: 'SendGridEventBatch' }),
    read: 'raw',
    bodyLimit: '5mb',
    http: true,
    responses: {
      200: {
        description: 'Handled',
        schema: z
          .strictObject({ received: z.int(), ingested: z.int(), duplicates: z.int(), ignored: z.int() })
          .meta({ id: 'WebhookResult' }),
      },
    },
    errors: [415],
  }),
};
