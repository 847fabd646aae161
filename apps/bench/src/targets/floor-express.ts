/** Express floor: express.urlencoded parses the form, the route answers a fixed JSON. */
import express from 'express';
import { createServer } from 'node:http';
import { FIXED_BODY, PROTECTED_PATH, TOKEN_PATH, announce, fail } from '../protocol.js';
import { exitOnSignal, listen } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const app = express();
  app.post(TOKEN_PATH, express.urlencoded({ extended: false }), (req, res) => {
    const body = req.body as Record<string, unknown>;
    if (typeof body['grant_type'] !== 'string') res.status(400);
    res.set('cache-control', 'no-store').json(FIXED_BODY);
  });
  app.get(PROTECTED_PATH, (req, res) => {
    if (req.headers.authorization === undefined) res.status(401);
    res.json(FIXED_BODY);
  });
  const port = await listen(createServer(app));
  announce({ type: 'ready', port });
};

main().catch(fail);
