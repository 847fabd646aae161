import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createAuthorizationServer } from '@grantor/core';
import { createNodeHandler, nodeRuntime, remoteVerifier } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { protectedResourceFixture, protectedResponseBody, runProtectedResourceChecks, runRemoteVerifierChecks, type RemoteVerifierKit, type ResourceMount } from '@grantor/testkit';
import { bearer, protectedResourceMetadata } from './index.js';

const mount: ResourceMount = async (verifier, resource) => {
  const app = express();
  app.use(protectedResourceMetadata(resource));
  app.all(protectedResourceFixture.path, bearer(verifier, { protectedResource: resource, requiredScopes: ['read'] }), (req, res) => {
    res.json(protectedResponseBody(req.auth));
  });
  const server = createServer(app);
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

runProtectedResourceChecks('express', mount, deps);
runRemoteVerifierChecks('express', mount, deps, kit);
