import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createAuthorizationServer, type AuthorizationServer } from '@grantor/core';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { conformanceProtected, conformanceServerFactory, mountedOn, protectedResponseBody, runHttpConformance, type Mount } from '@grantor/testkit';
import { bearerHttpRequest, createNodeHandler, nodeRuntime, writeHttpResponse } from './index.js';

/** The protected test routes, by hand: `server.bearer` + `writeHttpResponse` (no framework). */
const protectedRoutes = (server: AuthorizationServer) => (req: IncomingMessage, res: ServerResponse) => {
  const path = (req.url ?? '/').split('?')[0];
  const allowQuery = path === conformanceProtected.queryPath;
  if (path !== conformanceProtected.path && !allowQuery) return writeHttpResponse(res, { _tag: 'Json', status: 404, headers: {}, body: { error: 'not_found' } });
  void server.bearer(bearerHttpRequest(req, undefined), { requiredScopes: conformanceProtected.requiredScopes, allowQuery }).then((result) =>
    writeHttpResponse(res, result._tag === 'Rejected' ? result.response : { _tag: 'Json', status: 200, headers: {}, body: protectedResponseBody(result.auth) }),
  );
};

const mount: Mount = (server) => mountedOn(createServer(createNodeHandler(server, { fallback: protectedRoutes(server) })), server);

runHttpConformance(
  'node (createNodeHandler)',
  mount,
  conformanceServerFactory({
    createAuthorizationServer,
    createStore: () => createMemoryStore(),
    createLoginThrottle: () => createMemoryLoginThrottle(),
    runtime: nodeRuntime({ logger: { log: () => undefined } }),
  }),
);
