/** Grantor on Express: the adapter's router (every route of the server) and its bearer middleware on /api/me. */
import express from 'express';
import { createServer } from 'node:http';
import { bearer, grantorRouter } from '@grantor/express';
import { FIXED_BODY, PROTECTED_PATH, announce, fail } from '../protocol.js';
import { parseArgs, setupGrantor } from './grantor-setup.js';
import { exitOnSignal, listen } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const { store, preissue, stub, jwt } = parseArgs(process.argv.slice(2));
  const { server, extra } = await setupGrantor(store, preissue, Number(process.env['BENCH_PREISSUE'] ?? 0), stub, jwt);
  const app = express();
  app.use(grantorRouter(server));
  app.get(PROTECTED_PATH, bearer(server), (_req, res) => {
    res.json(FIXED_BODY);
  });
  const port = await listen(createServer(app));
  announce({ type: 'ready', port, ...extra });
};

main().catch(fail);
