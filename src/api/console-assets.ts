// The marketer console (console/, built into dist/console by scripts/build-console.sh), served at
// /console: its files as built, and index.html for any other path under it, where the console's
// own router takes over. It holds no data: every page reads /v1 with the signed-in key.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router } from 'express';
import { HttpError } from './errors';

// Beside the sources (tsx: src/api) the build is dist/console; in the compiled tree (dist/src/api)
// it is console/ next to src/.
const base = resolve(__dirname, '../..');
const BUILD = existsSync(join(base, 'package.json')) ? join(base, 'dist/console') : join(base, 'console');

export function consoleAssets(): Router {
  const router = Router();
  // Hashed names: a file never changes, so browsers keep it; a missing one is a 404, not the page.
  router.use('/console/assets', express.static(join(BUILD, 'assets'), { immutable: true, maxAge: '1y' }));
  router.use('/console/assets', (req, _res, next) => next(new HttpError(404, 'Not found', `No file ${req.path}`)));
  router.get('/console{/*page}', (_req, res, next) => {
    const index = join(BUILD, 'index.html');
    if (!existsSync(index))
      return next(new HttpError(503, 'Console not built', 'Run `bash scripts/build-console.sh` (npm start does it).'));
    res.set('cache-control', 'no-cache').sendFile(index);
  });
  return router;
}
