// One-click unsubscribe (RFC 8058), not behind API keys: the signed token in the link is the
// authority. POST unsubscribes (mailbox providers post `List-Unsubscribe=One-Click` to it); GET
// only shows a page with a button that posts, because mail scanners prefetch every link they see.
import type { Response } from 'express';
import type { publicRoutes } from '../contracts/routes/public';
import type { Consent, UnsubscribeLinks, UnsubscribeTarget } from '../messaging/unsubscribe';
import { HttpError } from './errors';
import type { Handlers } from './mount-routes';

export function unsubscribeHandlers(deps: {
  consent: Consent;
  unsubscribe?: UnsubscribeLinks;
}): Pick<Handlers<typeof publicRoutes>, 'unsubscribePage' | 'unsubscribe'> {
  function target(token: string): UnsubscribeTarget {
    if (!deps.unsubscribe) throw new HttpError(503, 'Unsubscribe not configured', 'KAIROS_SIGNING_SECRET is not set');
    const found = deps.unsubscribe.verify(token);
    if (!found)
      throw new HttpError(400, 'Invalid unsubscribe link', 'The token is malformed or its signature does not match');
    return found;
  }

  return {
    unsubscribePage: ({ query, res }) => {
      const { group } = target(query.token);
      page(
        res,
        `Unsubscribe from ${group} emails?`,
        `<form method="post" action="?token=${encodeURIComponent(query.token)}">` +
          `<button type="submit">Unsubscribe</button></form>`,
      );
    },
    unsubscribe: async ({ query, res }) => {
      const { customerId, group } = target(query.token);
      await deps.consent.unsubscribe(customerId, group);
      page(res, `You are unsubscribed from ${group} emails.`, '<p>You will not receive these emails any more.</p>');
    },
  };
}

function page(res: Response, heading: string, content: string): void {
  res
    .set({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    })
    .type('html')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width"><title>Unsubscribe</title>` +
        `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style></head>` +
        `<body><h1>${escapeHtml(heading)}</h1>${content}</body></html>`,
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
