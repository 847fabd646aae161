import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa, { type Middleware } from 'koa';
import { createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { conformanceProtected, conformanceServerFactory, protectedResponseBody, runHttpConformance, type Mount } from '@grantor/testkit';
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
  const listening = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = listening.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${new URL(server.config.baseUrl).pathname.replace(/\/$/, '')}`,
    close: () =>
      new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeAllConnections();
      }),
  };
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
