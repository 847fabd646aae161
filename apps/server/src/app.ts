import { clientFromMetadata, type AuthorizationServer, type Client, type Logger } from '@grantor/core';
import { sha256SecretHasher } from '@grantor/node';
import { createCore } from './core-bridge.js';
import { demoSeed, describeSeed } from './demo-seed.js';
import type { ServerEnv } from './env.js';
import { withPages } from './http/host.js';
import { createPages } from './pages/router.js';
import { createUserDirectory, knownScopes, loadSeedFile, type Seed } from './seed.js';
import { createSessionStore } from './session.js';
import { createFailureThrottle } from './throttle.js';

export interface App {
  /** Grantor's endpoints and the pages together (what the framework mounts). */
  readonly host: AuthorizationServer;
  readonly seed: Seed;
  readonly close: () => Promise<void>;
}

/** The issuer's path without a trailing slash ('' at the origin's root): where the pages live. */
export const issuerPrefix = (issuer: string): string => new URL(issuer).pathname.replace(/\/+$/, '');

/** RFC 7591 metadata → `Client` through the core's codec (secret kept as its SHA-256; unknown members ignored). */
const toClient = (c: Seed['clients'][number]): Client => {
  try {
    return clientFromMetadata(c.metadata, sha256SecretHasher.hash);
  } catch (e) {
    throw new Error(`seed: client ${JSON.stringify(c.client_id)}: ${(e as Error).message}`);
  }
};

/** Loads the seed (or demo data), builds the core on the chosen store, and the pages around it. */
export const createApp = async (env: ServerEnv, logger: Logger, print: (line: string) => void): Promise<App> => {
  const seed = env.seedPath === undefined ? demoSeed(env.issuer) : await loadSeedFile(env.seedPath);
  if (env.seedPath === undefined) for (const line of describeSeed(seed)) print(line);
  const clients = seed.clients.map(toClient);
  const users = await createUserDirectory(seed.users);
  const prefix = issuerPrefix(env.issuer);
  const core = await createCore({ env, scopes: knownScopes(clients), clients, claims: users.claimsSource, logger, prefix });
  const pages = createPages({
    server: core.server,
    users,
    sessions: createSessionStore({ secure: new URL(env.issuer).protocol === 'https:' }),
    deviceIpThrottle: createFailureThrottle(60),
    loginThrottle: { perUser: createFailureThrottle(10), perIp: createFailureThrottle(100) },
    deviceSessionLimit: 10,
    logger,
    now: () => Date.now() / 1000,
    prefix,
  });
  return { host: withPages(core.server, pages), seed, close: core.close };
};
