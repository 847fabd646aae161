import Fastify from 'fastify';
import { createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { conformanceProtected, conformanceServerFactory, protectedResponseBody, runHttpConformance, type Mount } from '@grantor/testkit';
import { grantorFastify } from './index.js';

const mount: Mount = async (server) => {
  const app = Fastify({ logger: false });
  await app.register(grantorFastify, { server });
  const requiredScopes = conformanceProtected.requiredScopes;
  app.all(conformanceProtected.path, { preHandler: app.grantorBearer({ requiredScopes }) }, async (request) => protectedResponseBody(request.auth));
  app.all(conformanceProtected.queryPath, { preHandler: app.grantorBearer({ requiredScopes, allowQuery: true }) }, async (request) => protectedResponseBody(request.auth));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl: `${address}${new URL(server.config.baseUrl).pathname.replace(/\/$/, '')}`,
    close: async () => {
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
    },
  };
};

runHttpConformance(
  'fastify',
  mount,
  conformanceServerFactory({
    createAuthorizationServer,
    createStore: () => createMemoryStore(),
    createLoginThrottle: () => createMemoryLoginThrottle(),
    runtime: nodeRuntime({ logger: { log: () => undefined } }),
  }),
);
