import type { AuthorizationServer, Client, Logger, UserClaimsSource } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryStore } from '@grantor/store-memory';
import type { ServerEnv } from './env.js';

/**
 * The one place that knows how to build the core and its stores. Kept apart so the rest of the server depends only
 * on the `AuthorizationServer` contract.
 */
export interface CoreInput {
  readonly env: ServerEnv;
  readonly scopes: readonly string[];
  readonly clients: readonly Client[];
  readonly claims: UserClaimsSource;
  readonly logger: Logger;
  /** Path prefix of the pages (the issuer's path). */
  readonly prefix: string;
}

export interface Core {
  readonly server: AuthorizationServer;
  readonly close: () => Promise<void>;
}

type Loose = Record<string, unknown>;
const load = async (name: string): Promise<Loose | undefined> => {
  try {
    return (await import(name)) as Loose;
  } catch {
    return undefined;
  }
};

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** The server configuration: the issuer verbatim, pages under the issuer's path, every grant of the acceptance interface. */
export const serverConfig = (input: Pick<CoreInput, 'env' | 'scopes' | 'prefix'>) => ({
  issuer: input.env.issuer,
  interactionUrl: `${input.prefix}/interaction/{id}`,
  scopesSupported: input.scopes,
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', deviceGrant],
  deviceFlow: { verificationUri: `${new URL(input.env.issuer).origin}${input.prefix}/device` },
});

export const createCore = async (input: CoreInput): Promise<Core> => {
  const runtime = nodeRuntime({ logger: input.logger });
  if (input.env.store.kind !== 'memory') input.logger.log('warn', 'SQL store not wired yet: running in memory', { store: input.env.store.kind });
  const store = createMemoryStore({ clock: runtime.clock });
  const stopSweeper = store.startSweeper(60_000, (cause) => input.logger.log('warn', 'sweep failed', { cause: String(cause) }));
  for (const client of input.clients) {
    const saved = await store.clients.save(client)();
    if (saved._tag === 'Left') throw new Error(`could not save client ${client.clientId}: ${saved.left.detail}`);
  }
  const core = await load('@grantor/core');
  const create = core?.['createAuthorizationServer'];
  if (typeof create !== 'function') throw new Error('@grantor/core does not export createAuthorizationServer yet');
  const server = (await (create as (c: unknown, p: unknown) => unknown)(serverConfig(input), { ...runtime, ...store, claims: input.claims })) as AuthorizationServer;
  return {
    server,
    close: async () => {
      stopSweeper();
    },
  };
};
