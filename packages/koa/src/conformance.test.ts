import { createServer } from 'node:http';
import Koa, { type Middleware } from 'koa';
import { createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { conformanceProtected, conformanceServerFactory, mountedOn, protectedResponseBody, runHttpConformance, type Mount } from '@grantor/testkit';
import { bearer, grantorMiddleware } from './index.js';

const mount: Mount = async (server) => {
  const app = new Koa();
  app.use(grantorMiddleware(server));
  const requiredScopes = conformanceProtected.requiredScopes;
  const guards: Readonly<Record<string, Middleware | undefined>> = {
    [conformanceProtected.path]: bearer(server, { requiredScopes }),
    [conformanceProtected.queryPath]: bearer(server, { requiredScopes, allowQuery: true }),
  };
  app.use(async (ctx, next) => {
    const guard = guards[ctx.path];
    if (guard === undefined) return next();
    await guard(ctx, async () => {
      ctx.body = protectedResponseBody(ctx.state.auth);
    });
  });
  return mountedOn(createServer(app.callback()), server);
};

runHttpConformance(
  'koa',
  mount,
  conformanceServerFactory({
    createAuthorizationServer,
    createStore: () => createMemoryStore(),
    createLoginThrottle: () => createMemoryLoginThrottle(),
    runtime: nodeRuntime({ logger: { log: () => undefined } }),
  }),
);
