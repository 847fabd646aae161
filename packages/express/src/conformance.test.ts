import { createServer } from 'node:http';
import express from 'express';
import { createAuthorizationServer } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { conformanceProtected, conformanceServerFactory, protectedResponseBody, mountedOn, runHttpConformance, type Mount } from '@grantor/testkit';
import { bearer, grantorRouter } from './index.js';

const mount: Mount = async (server) => {
  const app = express();
  app.use(grantorRouter(server));
  // host body parsers after Grantor: they serve the host's routes (and form-body bearer tokens)
  app.use(express.urlencoded({ extended: false }), express.json());
  const requiredScopes = conformanceProtected.requiredScopes;
  app.all(conformanceProtected.path, bearer(server, { requiredScopes }), (req, res) => {
    res.json(protectedResponseBody(req.auth));
  });
  app.all(conformanceProtected.queryPath, bearer(server, { requiredScopes, allowQuery: true }), (req, res) => {
    res.json(protectedResponseBody(req.auth));
  });
  return mountedOn(createServer(app), server);
};

runHttpConformance(
  'express',
  mount,
  conformanceServerFactory({
    createAuthorizationServer,
    createStore: () => createMemoryStore(),
    createLoginThrottle: () => createMemoryLoginThrottle(),
    runtime: nodeRuntime({ logger: { log: () => undefined } }),
  }),
);
