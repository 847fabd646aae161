import { Kysely } from 'kysely';
import type { AccessTokenStore, AccountTokenStore, AdminStore, AuthorizationCodeStore, ClientSecretJwtKeyStore, ClientStore, ConsentStore, DeviceCodeStore, InteractionStore, LoginSessionStore, PushedRequestStore, RefreshTokenStore, RegisteredClientStore, RegistryStore, ReplayCache, Sweeper, TokenUsageStore, UserStore } from '@grantor/core/extend';
import { clientCache } from './client-cache.js';
import { openConnection, type Connection, type SqlConnectionConfig } from './connect.js';
import type { SqlContext } from './context.js';
import { inTransaction, requireDialect, type SqlDialect } from './dialect.js';
import { runner } from './errors.js';
import { migrate, type MigrateResult } from './migrate.js';
import type { GrantorDatabase } from './schema.js';
import { sqlAccessTokenStore, sqlTokenUsageStore } from './stores/access-tokens.js';
import { sqlAdminStore } from './stores/admin.js';
import { sqlAuthorizationCodeStore } from './stores/authorization-codes.js';
import { sqlClientSecretJwtKeys } from './stores/client-secret-jwt-keys.js';
import { sqlClientStore } from './stores/clients.js';
import { sqlRegisteredClientStore } from './stores/registered-clients.js';
import { sqlConsentStore } from './stores/consents.js';
import { sqlDeviceCodeStore } from './stores/device-codes.js';
import { sqlInteractionStore } from './stores/interactions.js';
import { sqlRefreshTokenStore } from './stores/refresh-tokens.js';
import { sqlReplayCache } from './stores/replay-cache.js';
import { sqlPushedRequestStore } from './stores/pushed-requests.js';
import { sqlSweeper } from './stores/sweeper.js';
import { sqlAccountTokenStore, sqlUserStore } from './stores/users.js';
import { sqlLoginSessionStore } from './stores/login-sessions.js';
import { sqlRegistryStore } from './stores/registry.js';
import { plainJsonSealer, sqlKeyStore, type PrivateKeySealer, type SqlKeyStore } from './stores/signing-keys.js';

export interface SqlStoreOptions<DB = GrantorDatabase> {
  /**
   * An existing Kysely instance (its pool stays yours: `close()` does not destroy it; its plugins are bypassed, the
   * store speaks snake_case SQL) or a connection config (the store opens and owns the pool).
   */
  readonly db: Kysely<DB> | SqlConnectionConfig;
  /** Inferred from the Kysely instance's adapter when omitted. */
  readonly dialect?: SqlDialect;
  /** Upper bound on one store operation, retries included (default 10000 ms): past it, a transient `StoreError`. */
  readonly operationTimeoutMs?: number;
  /** Re-runs of an operation after a serialization failure or deadlock (default 3). */
  readonly serializationRetries?: number;
  /** Rows deleted per sweeper statement (default 500). */
  readonly sweepBatchSize?: number;
  /** Sweeper statements per table per `sweep` call (default 20). */
  readonly sweepMaxBatches?: number;
  /**
   * How long a client read from the database is served from memory, in ms (default 5000; 0: no cache). Every write
   * to a client through this store invalidates its entry at once; a change made by another process is seen after
   * at most this long.
   */
  readonly clientCacheTtlMs?: number;
  /** Maximum clients kept in memory (default 1000, least recently used evicted; 0: no cache). */
  readonly clientCacheMax?: number;
  /**
   * How `keys` keeps private JWKs at rest (default: JSON; pass an encrypting sealer to keep them encrypted). The same
   * sealer keeps the secrets of `client_secret_jwt` clients (`clientSecretJwtKeys`): without one they are in clear.
   */
  readonly privateKeySealer?: PrivateKeySealer;
}

/** Every store port of `@grantor/core`, backed by one SQL database. */
export interface SqlStore {
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
  /** The signing key set, one row per key (the core's `KeyStore` port). */
  readonly keys: SqlKeyStore;
  /**
   * Secrets of `client_secret_jwt` clients (RFC 7523 §2.2 HMAC keys; the core's `clientSecretJwtKeys` port), sealed
   * with `privateKeySealer` — stored in clear without one, which is why `client_secret_jwt` is discouraged.
   */
  readonly clientSecretJwtKeys: ClientSecretJwtKeyStore;
  /** Local user accounts (`grantor_users`): sign-up, password login. */
  readonly users: UserStore;
  /** Single-use email verification and password reset tokens (`grantor_account_tokens`, by SHA-256). */
  readonly accountTokens: AccountTokenStore;
  /** Signed-in browser sessions (`grantor_login_sessions`, by SHA-256 of the session id), bounded per user. */
  readonly loginSessions: LoginSessionStore;
  /** Usage tracking: access tokens' `last_used_at`, written in batches (`coalescedTokenUsage` in `@grantor/node`). */
  readonly accessTokenUsage: TokenUsageStore;
  /** The operator's operations: lists with keyset cursors, bulk revocation, client deletion with everything it issued. */
  readonly admin: AdminStore;
  /** The operator's scope and RFC 8707 resource registry (`grantor_scopes`, `grantor_resources`). */
  readonly registry: RegistryStore;
  readonly dialect: SqlDialect;
  /** The Kysely instance the store uses (plugins removed). */
  readonly db: Kysely<GrantorDatabase>;
  /** Applies pending migrations (see `migrate`). */
  readonly migrate: () => Promise<MigrateResult>;
  /** Closes the pool when the store opened it; a no-op for a Kysely instance you passed in. */
  readonly close: () => Promise<void>;
}

/**
 * Builds every store port on one SQL database. Does not migrate: call `store.migrate()` / `migrate(db)` or the
 * `grantor migrate` CLI first (or use `openSqlStore`, which does both).
 */
export const createSqlStore = <DB = GrantorDatabase>(options: SqlStoreOptions<DB>): SqlStore => {
  const owned = !(options.db instanceof Kysely);
  const opened: Connection = options.db instanceof Kysely
    ? { db: options.db.withoutPlugins() as unknown as Kysely<GrantorDatabase>, dialect: requireDialect(options.db, options.dialect) }
    : openConnection(options.db);
  const { db, dialect } = opened;
  const context: SqlContext = {
    db,
    dialect,
    statements: { db, ...(opened.register === undefined ? {} : { register: opened.register }), ...(opened.direct === undefined ? {} : { direct: opened.direct }) },
    clientCache: clientCache({ max: options.clientCacheMax ?? 1000, ttlMs: options.clientCacheTtlMs ?? 5000 }),
    run: runner({ serializationRetries: options.serializationRetries ?? 3, operationTimeoutMs: options.operationTimeoutMs ?? 10_000 }),
    transaction: (f) => inTransaction(db, dialect, f),
    sweepBatchSize: options.sweepBatchSize ?? 500,
    sweepMaxBatches: options.sweepMaxBatches ?? 20,
  };
  return {
    clients: sqlClientStore(context),
    registeredClients: sqlRegisteredClientStore(context),
    authorizationCodes: sqlAuthorizationCodeStore(context),
    accessTokens: sqlAccessTokenStore(context),
    refreshTokens: sqlRefreshTokenStore(context),
    consents: sqlConsentStore(context),
    interactions: sqlInteractionStore(context),
    deviceCodes: sqlDeviceCodeStore(context),
    replay: sqlReplayCache(context),
    pushedRequests: sqlPushedRequestStore(context),
    sweeper: sqlSweeper(context),
    keys: sqlKeyStore(context, options.privateKeySealer),
    clientSecretJwtKeys: sqlClientSecretJwtKeys(context, options.privateKeySealer ?? plainJsonSealer),
    users: sqlUserStore(context),
    accountTokens: sqlAccountTokenStore(context),
    loginSessions: sqlLoginSessionStore(context),
    accessTokenUsage: sqlTokenUsageStore(context),
    admin: sqlAdminStore(context),
    registry: sqlRegistryStore(context),
    dialect,
    db,
    migrate: () => migrate(db, { dialect }),
    close: async () => {
      if (owned) await db.destroy();
    },
  };
};

/**
 * Opens a store from a `DATABASE_URL` string or a connection config and applies pending migrations (safe when
 * several processes start at once). Rejects, after closing what it opened, when the database is unreachable or a
 * migration fails: call it at startup.
 */
export const openSqlStore = async (
  target: string | SqlConnectionConfig,
  options: Omit<SqlStoreOptions, 'db' | 'dialect'> = {},
): Promise<SqlStore> => {
  const store = createSqlStore({ ...options, db: typeof target === 'string' ? { url: target } : target });
  try {
    await store.migrate();
    return store;
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
};
