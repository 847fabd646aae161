/** Grantor on Koa: the adapter's middleware (every route of the server) and its bearer middleware on /api/me. */
import Koa from 'koa';
import { createServer } from 'node:http';
import { bearer, grantorMiddleware } from '@grantor/koa';
import { FIXED_BODY, PROTECTED_PATH, announce, fail } from '../protocol.js';
import { parseArgs, setupGrantor } from './grantor-setup.js';
import { exitOnSignal, listen } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const { store, preissue, stub, jwt } = parseArgs(process.argv.slice(2));
  const { server, extra } = await setupGrantor(store, preissue, Number(process.env['BENCH_PREISSUE'] ?? 0), stub, jwt);
  const app = new Koa();
  app.use(grantorMiddleware(server));
  const protect = bearer(server);
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || ctx.path !== PROTECTED_PATH) return next();
    await protect(ctx, async () => {
      ctx.body = FIXED_BODY;
    });
  });
  const port = await listen(createServer(app.callback()));
  announce({ type: 'ready', port, ...extra });
};

main().catch(fail);
