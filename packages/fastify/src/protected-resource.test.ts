import Fastify from 'fastify';
import { createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { protectedResourceFixture, protectedResponseBody, runProtectedResourceChecks, type ResourceMount } from '@grantor/testkit';
import { bearer, grantorProtectedResource } from './index.js';

const mount: ResourceMount = async (verifier, resource) => {
  const app = Fastify({ logger: false });
  await app.register(grantorProtectedResource, { resource });
  const preHandler = bearer(verifier, { protectedResource: resource, requiredScopes: ['read'] });
  app.all(protectedResourceFixture.path, { preHandler }, async (request) => protectedResponseBody(request.auth));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    origin: address,
    close: async () => {
      const closing = app.close();
      app.server.closeAllConnections();
      await closing;
    },
  };
};

runProtectedResourceChecks('fastify', mount, {
  createAuthorizationServer,
  createStore: () => createMemoryStore(),
  createLoginThrottle: () => createMemoryLoginThrottle(),
  runtime: nodeRuntime({ logger: { log: () => undefined } }),
});
