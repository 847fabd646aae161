import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizationServer } from '@grantor/core';

/** A running adapter: `baseUrl` is where `server.config.baseUrl` is served (origin + mount path). */
export interface Mounted {
  readonly baseUrl: string;
  readonly close: () => Promise<void>;
}

/**
 * Mounts the server with one adapter on 127.0.0.1 (ephemeral port). The mount must also serve, on the same origin,
 * `conformanceProtected.path` and `.queryPath` behind the adapter's bearer middleware (`requiredScopes: ['read']`, the
 * latter with `allowQuery: true`), answering `protectedResponseBody(auth)` as JSON.
 */
export type Mount = (server: AuthorizationServer) => Promise<Mounted>;

/**
 * The `Mounted` of a Node `http.Server` serving `server`'s routes: listens on a free 127.0.0.1 port when it does not
 * listen yet, and closes with every keep-alive connection.
 */
export const mountedOn = async (listening: Server, server: { readonly config: { readonly baseUrl: string } }): Promise<Mounted> => {
  if (!listening.listening) await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
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
