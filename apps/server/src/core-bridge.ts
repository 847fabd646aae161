import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { adminOperations, createAuthorizationServer, seedRegistry, idTokenUserClaims, type AdminOperations, type AuthorizationServer, type ClaimHooks, type Client, type ClientAuthThrottle, type Logger, type SessionPort, type UserClaimsSource } from '@grantor/core';
import { decodeServerConfig, type AccountTokenStore, type LoginSessionStore, type UserStore } from '@grantor/core/extend';
import { coalescedTokenUsage, httpClientMetadataDocuments, httpJwksFetcher, nodeRuntime, nodeSigner, sha256SecretHasher } from '@grantor/node';
import { createMemoryStore } from '@grantor/store-memory';
import { openSqlStore, type SqlStore } from '@grantor/store-sql';
import type { ServerEnv } from './env.js';
import { registrySeedOf, type SeedResource, type SeedScope } from './seed.js';
import { encryptingSealer, ensureSecretFile, isPlainJwk, type KeyInfo } from './keys.js';
import { tracedStores } from './observability/tracing.js';
import type { Tracer } from '@opentelemetry/api';

/**
 * The one place that knows how to build the core and its stores. Kept apart so the rest of the server depends only
 * on the `AuthorizationServer` contract.
 */
export interface CoreInput {
  readonly env: ServerEnv;
  readonly scopes: readonly string[];
  readonly clients: readonly Client[];
  /** OpenTelemetry: a CLIENT span around every store call. */
  readonly tracer?: Tracer;
  /** RFC 8707 resources (acceptance interface §6C). */
  readonly resources?: readonly SeedResource[];
  /** Scope definitions of the seed file (description, optional); other known scopes get defaults. */
  readonly scopeDefinitions?: readonly SeedScope[];
  /** The users' OIDC claims, over the store's user accounts (absent: no user has claims). */
  readonly claims?: ((users: UserStore) => UserClaimsSource) | UserClaimsSource;
  /** ID tokens carry the claims of the granted profile/email scopes (OIDC Core §5.4 allows either place). */
  readonly idTokenClaims?: boolean;
  readonly logger: Logger;
  /** Path prefix of the pages (the issuer's path). */
  readonly prefix: string;
  /** The host's login sessions, ended by the end-session endpoint (RP-Initiated Logout). */
  readonly sessions?: SessionPort;
  /**
   * Clear secrets of the `client_secret_jwt` clients by client id (RFC 7523 §2.2 HMAC keys), kept in the store's
   * `clientSecretJwtKeys` (SQL: sealed with the key encryption secret when there is one, else in clear).
   */
  readonly clientSecretJwtKeys?: ReadonlyMap<string, string>;
  /** RFC 6749 §2.3.1: failed client authentications counted per client id and address (see `throttle.ts`). */
  readonly clientAuthThrottle?: ClientAuthThrottle;
}

export interface Core {
  readonly server: AuthorizationServer;
  /** The operator's operations on this server's store (admin API, console, CLI). */
  readonly admin: AdminOperations;
  /** The stored signing keys without key material (for the rotation schedule). */
  readonly keyInfo: () => Promise<readonly KeyInfo[]>;
  /** True when the store outlives the process (SQL). */
  readonly persistent: boolean;
  /** Local user accounts and their single-use tokens, in the same store. */
  readonly users: UserStore;
  readonly accountTokens: AccountTokenStore;
  /** Signed-in browser sessions of the pages, in the same store (shared by every instance on it). */
  readonly loginSessions: LoginSessionStore;
  readonly close: () => Promise<void>;
}

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The ID token's user claims (OIDC Core §5.4): those of the granted profile/email scopes when the client's
 * `metadata.idTokenClaims` (seed member `id_token_claims`) or else the server's setting says `scope`.
 */
const idTokenClaimsHook = (claims: UserClaimsSource, byDefault: boolean): NonNullable<ClaimHooks['idToken']> => {
  const released = idTokenUserClaims(claims);
  return (ctx) => {
    const setting = ctx.client.metadata?.['idTokenClaims'];
    return (setting === undefined ? byDefault : setting === 'scope') ? released(ctx) : TE.right({});
  };
};

/**
 * The server configuration: the issuer verbatim, pages under the issuer's path, every grant of the acceptance
 * interface; with PROFILE=fapi2 the core's FAPI 2.0 profile.
 */
const serverConfig = (input: Pick<CoreInput, 'env' | 'scopes' | 'prefix' | 'resources'>) => ({
  issuer: input.env.issuer,
  resources: (input.resources ?? []).map((r) => ({ ...r, scopes: r.scope.split(' ').filter((s) => s !== '') })),
  // RFC 7591: REGISTRATION=open|token|software_statement; the initial access token is kept as its SHA-256 only.
  registration: {
    mode: input.env.registration.mode,
    ...(input.env.registration.token === undefined ? {} : { initialAccessTokenHashes: [sha256SecretHasher.hash(input.env.registration.token)] }),
    ...(input.env.registration.statements === undefined ? {} : { softwareStatements: input.env.registration.statements }),
  },
  // PROFILE=fapi2: the core's profile fixes PKCE and the refresh reuse grace (readEnv refused contradicting values).
  ...(input.env.profile === 'fapi2'
    ? { profile: 'fapi2' as const }
    : {
        pkce: { requiredFor: input.env.pkceRequiredFor },
        refreshTokens: { reuseGraceSeconds: { public: input.env.refreshReuseGraceSeconds, confidential: 0 } },
      }),
  interactionUrl: `${input.prefix}/interaction/{id}`,
  scopesSupported: input.scopes,
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', deviceGrant],
  deviceFlow: { verificationUri: `${new URL(input.env.issuer).origin}${input.prefix}/device` },
});

type Stores = Omit<ReturnType<typeof createMemoryStore>, 'startSweeper' | 'stats'> & {
  readonly close: () => Promise<void>;
  readonly keyInfo: () => Promise<readonly KeyInfo[]>;
  readonly persistent: boolean;
};

/**
 * The secret that encrypts private signing keys in a SQL store: KEY_ENCRYPTION_SECRET; else, for SQLite, one
 * generated once into `DATA_DIR/key-secret` (mode 0600); else (DATABASE_URL) none: keys are stored unencrypted, with
 * a warning at start.
 */
const keySecret = (env: ServerEnv, logger: Logger): string | undefined => {
  if (env.keyEncryptionSecret !== undefined) return env.keyEncryptionSecret;
  if (env.store.kind === 'sqlite') return ensureSecretFile(env.store.dir);
  if (env.store.kind === 'url') {
    logger.log('warn', 'KEY_ENCRYPTION_SECRET is not set: private signing keys are stored unencrypted in the database');
  }
  return undefined;
};

/** Rewrites keys stored as plain JSON (before encryption was turned on) sealed. */
const sealPlainKeys = async (store: SqlStore, logger: Logger): Promise<void> => {
  const rows = await store.db.selectFrom('grantor_signing_keys').select(['kid', 'private_jwk']).execute();
  if (!rows.some((r) => isPlainJwk(r.private_jwk))) return;
  const loaded = await store.keys.load()();
  if (loaded._tag === 'Left') throw new Error(`could not read the signing keys: ${loaded.left.detail}`);
  if (loaded.right._tag === 'None') return;
  const saved = await store.keys.save(loaded.right.value)();
  if (saved._tag === 'Left') throw new Error(`could not encrypt the stored signing keys: ${saved.left.detail}`);
  logger.log('info', 'signing keys: encrypted the private keys stored in plain JSON');
};

const sqlKeyInfo = (store: SqlStore) => async (): Promise<readonly KeyInfo[]> => {
  const rows = await store.db.selectFrom('grantor_signing_keys').select(['kid', 'status', 'created_at', 'retired_at']).execute();
  return rows.map((r) => ({
    kid: r.kid,
    status: r.status,
    createdAt: Number(r.created_at),
    ...(r.retired_at === null ? {} : { retiredAt: Number(r.retired_at) }),
  }));
};

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
    const keyInfo = async (): Promise<readonly KeyInfo[]> => {
      const loaded = await store.keys.load()();
      if (loaded._tag === 'Left') throw new Error(loaded.left.detail);
      return loaded.right._tag === 'None' ? [] : loaded.right.value.keys;
    };
    return { ...store, keyInfo, persistent: false, close: async () => stop() };
  }
  const secret = keySecret(input.env, input.logger);
  const store = await openSqlStore(where.kind === 'sqlite' ? { dataDir: where.dir } : { url: where.url }, secret === undefined ? {} : { privateKeySealer: encryptingSealer(secret) });
  try {
    if (secret !== undefined) await sealPlainKeys(store, input.logger);
  } catch (e) {
    await store.close();
    throw e;
  }
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
    keyInfo: sqlKeyInfo(store),
    persistent: true,
    close: async () => {
      clearInterval(timer);
      await store.close();
    },
  };
};

export const createCore = async (input: CoreInput): Promise<Core> => {
  const runtime = nodeRuntime({ logger: input.logger });
  const opened = await openStore(input, runtime.clock);
  const store = input.tracer === undefined ? opened : tracedStores(opened, input.tracer);
  // SEED_MODE=missing (default): a seed client already stored keeps what an operator made of it (rotated secret,
  // changed metadata, disabled); SEED_MODE=overwrite re-saves the seed's version at every start.
  const stored = new Set<string>();
  for (const client of input.clients) {
    if (input.env.seedMode !== 'overwrite') {
      const found = await store.clients.find(client.clientId)();
      if (found._tag === 'Left') throw new Error(`could not read client ${client.clientId}: ${found.left.detail}`);
      if (found.right._tag === 'Some') {
        stored.add(client.clientId);
        continue;
      }
    }
    const saved = await store.clients.save(client)();
    if (saved._tag === 'Left') throw new Error(`could not save client ${client.clientId}: ${saved.left.detail}`);
  }
  for (const [clientId, secret] of [...(input.clientSecretJwtKeys ?? [])].filter(([id]) => !stored.has(id))) {
    const saved = await store.clientSecretJwtKeys.save(clientId, secret)();
    if (saved._tag === 'Left') throw new Error(`could not save the client_secret_jwt key of ${clientId}: ${saved.left.detail}`);
  }
  // Usage tracking: last use of access tokens, one store write per TOKEN_USAGE_FLUSH_SECONDS (not one per request).
  const tokenUsage = coalescedTokenUsage(store.accessTokenUsage, { flushIntervalMs: input.env.tokenUsageFlushSeconds * 1000, logger: input.logger });
  // The scope and resource registry: the seed's entries that are missing (SEED_MODE=overwrite: replaced). From here on
  // the core reads the registry, and the admin faces change it at runtime.
  const seeded = await seedRegistry(store.registry, registrySeedOf(input.scopes, input.scopeDefinitions ?? [], input.resources ?? []), input.env.seedMode === 'overwrite')();
  if (seeded._tag === 'Left') throw new Error(`could not seed the scope and resource registry: ${seeded.left.detail}`);
  const config = serverConfig(input);
  const decoded = decodeServerConfig(config);
  // The node:crypto signer (synchronous KeyObject signing) over the store's key set; rotation/reload as the default one.
  const signer = nodeSigner({
    keys: store.keys,
    clock: runtime.clock,
    maxTokenLifetime: Math.max(decoded.lifetimes.accessToken, decoded.lifetimes.idToken) + decoded.assertions.clockSkewSeconds,
  });
  const claims: UserClaimsSource =
    input.claims === undefined ? { claims: () => TE.right(O.none) } : typeof input.claims === 'function' ? input.claims(store.users) : input.claims;
  const server = createAuthorizationServer(config, {
    ...runtime,
    ...store,
    signer,
    // private_key_jwt clients registered with jwks_uri: HTTPS to public addresses only; JWKS_ALLOW_HTTP=1 or
    // OUTBOUND_ALLOW_LOOPBACK=1 admits http:// on loopback hosts (tests, local development).
    jwksFetcher: httpJwksFetcher(input.env.jwksAllowHttp === true || input.env.outboundAllowLoopback === true ? { allowHttp: 'loopback' } : {}),
    // Client ID metadata documents (CLIENT_ID_METADATA_DOCUMENTS, default on): URL client ids fetched on use.
    ...(input.env.clientIdMetadataDocuments
      ? {
          clientMetadataDocuments: httpClientMetadataDocuments({
            ...(input.env.outboundAllowLoopback === true ? { allowHttp: 'loopback' as const } : {}),
            ...(input.env.cimdAllowedHosts === undefined ? {} : { allowedHosts: input.env.cimdAllowedHosts }),
            ...(input.env.cimdDeniedHosts === undefined ? {} : { deniedHosts: input.env.cimdDeniedHosts }),
          }),
        }
      : {}),
    claims,
    // Relying parties that never call userinfo (e.g. Auth.js's default OIDC setup) still get a user.
    claimHooks: { idToken: idTokenClaimsHook(claims, input.idTokenClaims === true) },
    ...(input.sessions === undefined ? {} : { sessions: input.sessions }),
    ...(input.clientAuthThrottle === undefined ? {} : { clientAuthThrottle: input.clientAuthThrottle }),
    tokenUsage,
  });
  // Load (or create) the signing keys now: a wrong KEY_ENCRYPTION_SECRET stops the start instead of every token request.
  const keys = await server.keys?.reload();
  if (keys?._tag === 'Failed') {
    await store.close();
    throw new Error(
      `could not load the signing keys (${keys.error.detail}): is ${input.env.keyEncryptionSecret === undefined && input.env.store.kind === 'sqlite' ? `${input.env.store.dir}/key-secret` : 'KEY_ENCRYPTION_SECRET'} the secret the keys were stored with?`,
    );
  }
  const admin = adminOperations({ ...runtime, ...store, ...(server.keys === undefined ? {} : { rotation: server.keys }) });
  return { server, admin, keyInfo: store.keyInfo, persistent: store.persistent, users: store.users, accountTokens: store.accountTokens, loginSessions: store.loginSessions, close: async () => {
    await tokenUsage.close();
    await store.close();
  } };
};
