import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createAuthorizationServer } from '@grantor/core';
import { createNodeHandler, nodeRuntime, remoteVerifier } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { protectedResourceFixture, protectedResponseBody, runProtectedResourceChecks, runRemoteVerifierChecks, type RemoteVerifierKit, type ResourceMount } from '@grantor/testkit';
import { bearer, protectedResourceMetadata } from './index.js';

const mount: ResourceMount = async (verifier, resource) => {
  const app = new Koa();
  app.use(protectedResourceMetadata(resource));
  const guard = bearer(verifier, { protectedResource: resource, requiredScopes: ['read'] });
  app.use(async (ctx, next) => {
    if (ctx.path !== protectedResourceFixture.path) return next();
    await guard(ctx, async () => {
      ctx.body = protectedResponseBody(ctx.state.auth);
    });
  });
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()) && server.closeAllConnections()),
  };
};

const kit: RemoteVerifierKit = {
  remoteVerifier,
  serve: async (server) => {
    const listening = createServer(createNodeHandler(server));
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    return {
      origin: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => listening.close(() => resolve()) && listening.closeAllConnections()),
    };
  },
};

const deps = {
  createAuthorizationServer,
  createStore: () => createMemoryStore(),
  createLoginThrottle: () => createMemoryLoginThrottle(),
  runtime: nodeRuntime({ logger: { log: () => undefined } }),
};

runProtectedResourceChecks('koa', mount, deps);
runRemoteVerifierChecks('koa', mount, deps, kit);
