import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Clock, KeyStore } from '@grantor/core';
import type { AccessTokenStore, AccountTokenStore, AdminStore, AuthorizationCodeStore, ClientSecretJwtKeyStore, ClientStore, ConsentStore, DeviceCodeStore, InteractionStore, LoginSessionStore, PushedRequestStore, RefreshTokenStore, RegisteredClientStore, RegistryStore, ReplayCache, Sweeper, TokenUsageStore, UserStore } from '@grantor/core/extend';
import { memoryAdminStore } from './admin.js';
import { memoryClientSecretJwtKeys } from './client-secret-jwt-keys.js';
import { memoryAccountTokenStore, memoryUserStore } from './users.js';
import { memoryLoginSessionStore } from './login-sessions.js';
import { memoryRegistryStore } from './registry.js';
import { atomically, interner } from './compact.js';
import type { Table } from './tables/table.js';
import { accessTokenTable } from './tables/access-tokens.js';
import { authorizationCodeTable } from './tables/authorization-codes.js';
import { clientTable } from './tables/clients.js';
import { consentTable } from './tables/consents.js';
import { deviceCodeTable } from './tables/device-codes.js';
import { interactionTable } from './tables/interactions.js';
import { keyTable } from './tables/keys.js';
import { refreshTokenTable } from './tables/refresh-tokens.js';
import { replayTable } from './tables/replay-cache.js';
import { pushedRequestTable } from './tables/pushed-requests.js';
import { revokedGrantTable } from './tables/revoked-grants.js';

export interface MemoryStoreOptions {
  /** The clock `startSweeper` reads (default: the system clock). `sweep(now)` itself takes the instant. */
  readonly clock?: Clock;
  /** At most this many rows are deleted by one `sweep` call (default 10 000), so a sweep never stalls the process. */
  readonly sweepBatchSize?: number;
  /** Distinct client ids and scope lists shared between rows (default 10 000 of each). */
  readonly internLimit?: number;
}

/** Live row counts per table (tests, metrics, benchmarks). */
export interface MemoryStoreStats {
  readonly clients: number;
  readonly authorizationCodes: number;
  readonly accessTokens: number;
  readonly refreshTokens: number;
  readonly consents: number;
  readonly interactions: number;
  readonly deviceCodes: number;
  readonly replay: number;
  readonly pushedRequests: number;
  readonly signingKeys: number;
  readonly users: number;
  readonly loginSessions: number;
}

/** Every store port of `@grantor/core`, in memory, plus the sweeper's timer. */
export interface MemoryStore {
  readonly clients: ClientStore;
  /** RFC 7591 / RFC 7592: deleting clients and listing the registered ones. */
  readonly registeredClients: RegisteredClientStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly accessTokens: AccessTokenStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly consents: ConsentStore;
  readonly interactions: InteractionStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly replay: ReplayCache;
  /** RFC 9126 pushed authorization requests. */
  readonly pushedRequests: PushedRequestStore;
  readonly sweeper: Sweeper;
  /** The signing key set (frozen copy in memory). */
  readonly keys: KeyStore;
  /**
   * Clear secrets of `client_secret_jwt` clients (RFC 7523 §2.2 HMAC keys; the core's `clientSecretJwtKeys` port):
   * `save` them when registering such a client. Prefer `private_key_jwt`: this secret must stay recoverable.
   */
  readonly clientSecretJwtKeys: ClientSecretJwtKeyStore;
  /** Local user accounts (sign-up, password login) of a host that keeps its own users. */
  readonly users: UserStore;
  /** Single-use email verification and password reset tokens (by hash), swept when expired. */
  readonly accountTokens: AccountTokenStore;
  /** Signed-in browser sessions of a host that signs people in itself (by id hash, bounded per user). */
  readonly loginSessions: LoginSessionStore;
  /** The operator's operations: lists with cursors, bulk revocation, client deletion with everything it issued. */
  readonly admin: AdminStore;
  /** Usage tracking: access tokens' `lastUsedAt`, written in batches (`coalescedTokenUsage` in `@grantor/node`). */
  readonly accessTokenUsage: TokenUsageStore;
  /** The operator's scope and RFC 8707 resource registry (the core consults it at request time when given). */
  readonly registry: RegistryStore;
  /**
   * Sweeps expired rows every `intervalMs` milliseconds (more batches follow at once while batches come back full).
   * The timer is `unref`ed, so it never keeps the process alive. Returns the function that stops it.
   */
  readonly startSweeper: (intervalMs: number, onError?: (error: unknown) => void) => () => void;
  readonly stats: () => MemoryStoreStats;
}

const systemClock: Clock = { now: () => Date.now() / 1000 };

/**
 * An in-memory implementation of every store port. Each operation is one synchronous step, which JavaScript never
 * interleaves with another, so every compare-and-set (redeem, rotate, finish, decide, consume, remember) is atomic.
 * Data lives as long as the process: use it for tests, development and single-process deployments that accept
 * losing sessions and tokens on restart.
 */
export const createMemoryStore = (options: MemoryStoreOptions = {}): MemoryStore => {
  const clock = options.clock ?? systemClock;
  const batch = options.sweepBatchSize ?? 10_000;
  if (!(Number.isInteger(batch) && batch > 0)) throw new TypeError(`sweepBatchSize must be a positive integer, got ${String(batch)}`);
  const intern = interner(options.internLimit ?? 10_000);

  const clients = clientTable();
  const authorizationCodes = authorizationCodeTable(intern);
  const revokedGrants = revokedGrantTable();
  const accessTokens = accessTokenTable(intern, revokedGrants.port);
  const refreshTokens = refreshTokenTable(intern, revokedGrants.port);
  const consents = consentTable(intern);
  const interactions = interactionTable();
  const deviceCodes = deviceCodeTable();
  const replay = replayTable();
  const keys = keyTable();
  const users = memoryUserStore();
  const accountTokens = memoryAccountTokenStore();
  const loginSessions = memoryLoginSessionStore();
  const clientSecretJwtKeys = memoryClientSecretJwtKeys();
  const pushedRequests = pushedRequestTable();
  const tables: readonly Table<unknown>[] = [authorizationCodes, accessTokens, refreshTokens, interactions, deviceCodes, replay, revokedGrants, pushedRequests];

  const sweeper: Sweeper = {
    sweep: (now) =>
      atomically(() => {
        let removed = accountTokens.sweep(now) + loginSessions.sweep(now);
        for (const table of tables) {
          if (removed >= batch) break;
          removed += table.sweep(now, batch - removed);
        }
        return removed;
      }),
  };

  const startSweeper = (intervalMs: number, onError?: (error: unknown) => void): (() => void) => {
    let stopped = false;
    let running = false;
    const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve).unref());
    const run = async (): Promise<void> => {
      if (running) return;
      running = true;
      try {
        for (;;) {
          const result = await sweeper.sweep(clock.now())();
          if (result._tag === 'Left') throw result.left;
          if (stopped || result.right < batch) break;
          await yieldToEventLoop();
        }
      } catch (error) {
        onError?.(error);
      } finally {
        running = false;
      }
    };
    const timer = setInterval(() => void run(), intervalMs);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  };

  return {
    clients: clients.port,
    registeredClients: {
      ...clients.registered,
      // A deleted client's client_secret_jwt key goes with it.
      remove: (clientId) => pipe(clients.registered.remove(clientId), TE.tap(() => clientSecretJwtKeys.remove(clientId))),
    },
    authorizationCodes: authorizationCodes.port,
    accessTokens: accessTokens.port,
    refreshTokens: refreshTokens.port,
    consents: consents.port,
    interactions: interactions.port,
    deviceCodes: deviceCodes.port,
    replay: replay.port,
    pushedRequests: pushedRequests.port,
    sweeper,
    keys: keys.port,
    clientSecretJwtKeys,
    admin: memoryAdminStore({ clients, accessTokens, refreshTokens, consents, authorizationCodes, interactions, deviceCodes, clientSecretJwtKeys }),
    users,
    accountTokens,
    loginSessions,
    accessTokenUsage: accessTokens.usage,
    registry: memoryRegistryStore(),
    startSweeper,
    stats: () => ({
      clients: clients.size(),
      authorizationCodes: authorizationCodes.size(),
      accessTokens: accessTokens.size(),
      refreshTokens: refreshTokens.size(),
      consents: consents.size(),
      interactions: interactions.size(),
      deviceCodes: deviceCodes.size(),
      replay: replay.size(),
      pushedRequests: pushedRequests.size(),
      signingKeys: keys.size(),
      users: users.size(),
      loginSessions: loginSessions.size(),
    }),
  };
};
