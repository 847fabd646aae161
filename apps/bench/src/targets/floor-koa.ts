/** Koa floor: Koa has no body parser of its own, so the route reads the body and parses it with URLSearchParams. */
import Koa from 'koa';
import { createServer } from 'node:http';
import { FIXED_BODY, PROTECTED_PATH, TOKEN_PATH, announce, fail } from '../protocol.js';
import { readBody } from './read-body.js';
import { exitOnSignal, listen } from './listen.js';

const main = async (): Promise<void> => {
  exitOnSignal();
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method === 'POST' && ctx.path === TOKEN_PATH) {
      const form = new URLSearchParams((await readBody(ctx.req)).toString('utf8'));
      ctx.status = form.get('grant_type') === null ? 400 : 200;
      ctx.set('cache-control', 'no-store');
      ctx.body = FIXED_BODY;
    } else if (ctx.method === 'GET' && ctx.path === PROTECTED_PATH) {
      ctx.status = ctx.get('authorization') === '' ? 401 : 200;
      ctx.body = FIXED_BODY;
    }
  });
  const port = await listen(createServer(app.callback()));
  announce({ type: 'ready', port });
};

main().catch(fail);
