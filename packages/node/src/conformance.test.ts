import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizationServer, type AuthorizationServer } from '@grantor/core';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { conformanceProtected, conformanceServerFactory, protectedResponseBody, runHttpConformance, type Mount } from '@grantor/testkit';
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

const mount: Mount = async (server) => {
  const listening = createServer(createNodeHandler(server, { fallback: protectedRoutes(server) }));
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
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
  'node (createNodeHandler)',
  mount,
  conformanceServerFactory({
    createAuthorizationServer,
    createStore: () => createMemoryStore(),
    createLoginThrottle: () => createMemoryLoginThrottle(),
    runtime: nodeRuntime({ logger: { log: () => undefined } }),
  }),
);
