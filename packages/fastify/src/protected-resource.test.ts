import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { createAuthorizationServer } from '@grantor/core';
import { createNodeHandler, nodeRuntime, remoteVerifier } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { protectedResourceFixture, protectedResponseBody, runProtectedResourceChecks, runRemoteVerifierChecks, type RemoteVerifierKit, type ResourceMount } from '@grantor/testkit';
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

runProtectedResourceChecks('fastify', mount, deps);
runRemoteVerifierChecks('fastify', mount, deps, kit);
