// CORS for the codec routes only: the Temporal Web UI calls them from its own origin, with the
// admin key in Authorization. One configured origin (KAIROS_CODEC_CORS_ORIGIN) gets the headers;
// any other gets none, so the browser refuses to hand it the answer. Before the API keys are
// checked, because the browser's preflight (OPTIONS) carries no key.
import type { RequestHandler } from 'express';

export function codecCors(allowedOrigin: string | undefined): RequestHandler {
  return (req, res, next) => {
    res.vary('Origin');
    const allowed = allowedOrigin !== undefined && req.header('origin') === allowedOrigin;
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', allowedOrigin);
      // The UI's "include cross-origin credentials" option sends cookies and needs this to read answers.
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') return next();
    if (allowed) {
      res.setHeader('Access-Control-Allow-Methods', 'POST');
      // X-Namespace: the UI names the namespace the payloads come from.
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}
