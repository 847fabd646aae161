import { createAuthorizationServer, type AuthorizationServer, type Client, type DeviceCodeStore, type Logger, type UserClaimsSource } from '@grantor/core';
import { nodeRuntime } from '@grantor/node';
import { createMemoryStore } from '@grantor/store-memory';
import { openSqlStore } from '@grantor/store-sql';
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

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** The server configuration: the issuer verbatim, pages under the issuer's path, every grant of the acceptance interface. */
export const serverConfig = (input: Pick<CoreInput, 'env' | 'scopes' | 'prefix'>) => ({
  issuer: input.env.issuer,
  interactionUrl: `${input.prefix}/interaction/{id}`,
  scopesSupported: input.scopes,
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', deviceGrant],
  deviceFlow: { verificationUri: `${new URL(input.env.issuer).origin}${input.prefix}/device` },
});

type Stores = Omit<ReturnType<typeof createMemoryStore>, 'startSweeper' | 'stats'> & { readonly close: () => Promise<void> };

/**
 * The store: in memory (fresh on every start: the default with a SEED and neither DATA_DIR nor DATABASE_URL),
 * SQLite under DATA_DIR, or DATABASE_URL (PostgreSQL, MySQL/MariaDB), migrated at start. A sweeper deletes expired
 * rows every minute.
 */
const openStore = async (input: CoreInput, clock: { readonly now: () => number }): Promise<Stores> => {
  const where = input.env.store;
  if (where.kind === 'memory') {
    const store = createMemoryStore({ clock });
    const stop = store.startSweeper(60_000, (cause) => input.logger.log('warn', 'sweep failed', { cause: String(cause) }));
    return { ...store, close: async () => stop() };
  }
  const store = await openSqlStore(where.kind === 'sqlite' ? { dataDir: where.dir } : { url: where.url });
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void store.sweeper
      .sweep(clock.now())()
      .then((r) => {
        if (r._tag === 'Left') input.logger.log('warn', 'sweep failed', { detail: r.left.detail });
      })
      .finally(() => {
        running = false;
      });
  }, 60_000);
  timer.unref();
  return {
    ...store,
    close: async () => {
      clearInterval(timer);
      await store.close();
    },
  };
};

/**
 * Records device polls at whole seconds ("floor when storing"): the core judges RFC 8628 §3.5 `slow_down` with a
 * floored `now`, so a fractional `lastPolledAt` (as store-memory keeps it) would turn a poll made just over
 * `interval` seconds later into `slow_down`.
 */
const flooredPolls = (deviceCodes: DeviceCodeStore): DeviceCodeStore => ({
  ...deviceCodes,
  poll: (hash, now, interval) => deviceCodes.poll(hash, Math.floor(now), interval),
});

export const createCore = async (input: CoreInput): Promise<Core> => {
  const runtime = nodeRuntime({ logger: input.logger });
  const store = await openStore(input, runtime.clock);
  for (const client of input.clients) {
    const saved = await store.clients.save(client)();
    if (saved._tag === 'Left') throw new Error(`could not save client ${client.clientId}: ${saved.left.detail}`);
  }
  const server = createAuthorizationServer(serverConfig(input), { ...runtime, ...store, deviceCodes: flooredPolls(store.deviceCodes), claims: input.claims });
  return {
    server,
    close: store.close,
  };
};
