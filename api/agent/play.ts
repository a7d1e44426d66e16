import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'play');

/**
 * The GameBoost player page at /play (#session=…&token=…): plain HTML and a module script, served by the API
 * process. The session and viewer token travel in the fragment, so they never reach server logs.
 */
export function playRouter(): Router {
  const router = express.Router();
  router.get('/play', (_req, res) => {
    res.set('Cache-Control', 'no-store').sendFile(path.join(root, 'play.html'));
  });
  router.use('/play', express.static(root, { index: false, maxAge: '1h' }));
  return router;
}
