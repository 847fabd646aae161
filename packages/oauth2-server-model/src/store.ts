/**
 * `fromOAuth2ServerModel(model, options)`: Grantor's store ports backed by an unchanged oauth2-server model, plus
 * in-memory companions for what a model has no functions for (interactions, consents, device codes, the replay cache,
 * the password-grant throttle).
 */
import { createAuthorizationServer, type AuthorizationServer, type AuthorizationServerPorts, type Clock, type Logger, type LoginThrottle, type PasswordVerifier, type SecretHasher, type ServerConfigInput } from '@grantor/core';
import { type AuthorizationCodeStore, type AccessTokenStore, type ClientAuthMethod, type ClientStore, type ConsentStore, type DeviceCodeStore, type InteractionStore, type RefreshTokenStore, type ReplayCache } from '@grantor/core/extend';
import { nodeRuntime, sha256SecretHasher, systemClock, type NodeRuntime } from '@grantor/node';
import { createMemoryLoginThrottle, createMemoryStore } from '@grantor/store-memory';
import { defaultSubject } from './mapping.js';
import { hasFunction, supportedGrantTypes, type ModelClient, type ModelUser, type OAuth2ServerModel } from './model.js';
import { modelClientStore } from './ports/clients.js';
import { modelAuthorizationCodeStore } from './ports/codes.js';
import { refreshFamilies, type RefreshFamilies } from './ports/families.js';
import { modelPasswordVerifier } from './ports/passwords.js';
import type { ModelDeps } from './ports/shared.js';
import { modelAccessTokenStore, modelRefreshTokenStore } from './ports/tokens.js';
import { currentWork } from './work.js';
import { wrapServer } from './wrap.js';

export interface ModelAdapterOptions {
  /** 5 (default): scope reaches the model as `string[]`; 4: as a space-delimited string (oauth2-server ≤ 4). */
  readonly modelVersion?: 4 | 5;
  /** The subject (Grantor's `sub`) of a user object; default: its `id`, `sub`, `userId`, `_id` or `username`. */
  readonly subject?: (user: ModelUser) => string | undefined;
  /**
   * The user object handed to the model for a subject the host approved through `server.interactions.finish` or
   * `server.device.approve` (no user object exists there); default `{ id: subject }`.
   */
  readonly userFor?: (subject: string) => ModelUser;
  /** As oauth2-server's option: grant types (keys) for which a client may omit its secret (`false`). */
  readonly requireClientAuthentication?: Readonly<Record<string, boolean>>;
  /**
   * How a client authenticates, for requests that present no credentials (the authorization endpoint): `none` marks a
   * public client (PKCE S256 required). Default `client_secret_basic` (confidential).
   */
  readonly tokenEndpointAuthMethod?: (client: ModelClient) => ClientAuthMethod;
  /** As oauth2-server's option: copy extra members of the saved token (from `saveToken`) into the token response. */
  readonly allowExtendedTokenAttributes?: boolean;
  /** The real hasher behind the `secrets` port (default SHA-256 from `@grantor/node`). */
  readonly secrets?: SecretHasher;
  readonly clock?: Clock;
  /** Where the adapter logs what the wire must not carry (default: nothing). */
  readonly logger?: Logger;
  /** Reuse detection for rotated refresh tokens (process-local index, see `families.ts`); `false` turns it off. */
  readonly refreshFamilies?: false | { readonly maxEntries?: number };
  /** Ports the model has no functions for; default: `@grantor/store-memory`'s (per process). */
  readonly companion?: {
    readonly consents?: ConsentStore;
    readonly interactions?: InteractionStore;
    readonly deviceCodes?: DeviceCodeStore;
    readonly replay?: ReplayCache;
    readonly loginThrottle?: LoginThrottle;
  };
}

/** The ports `fromOAuth2ServerModel` returns; spread them after the runtime: `{ ...runtime, ...store }`. */
export interface ModelStore {
  readonly clients: ClientStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly accessTokens: AccessTokenStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly consents: ConsentStore;
  readonly interactions: InteractionStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly replay: ReplayCache;
  readonly loginThrottle: LoginThrottle;
  /** Present when the model has `getUser` (the password grant). */
  readonly passwords?: PasswordVerifier;
  /**
   * SHA-256 as Grantor's, remembering within a request which value each hash was computed from: Grantor hands the
   * stores hashes, the model is keyed by the values.
   */
  readonly secrets: SecretHasher;
  /** The grant types the model implements (use them as `config.grantTypes`). */
  readonly grantTypes: readonly string[];
  /** Wraps the server built over these ports; serve the wrapped one (the ports only work inside its requests). */
  readonly wrap: (server: AuthorizationServer) => AuthorizationServer;
}

/** The store and the settings behind it (the drop-in `OAuth2Server` uses both). */
export interface ModelAdapter {
  readonly store: ModelStore;
  readonly deps: ModelDeps;
  readonly families: RefreshFamilies | undefined;
}

const rememberingHasher = (hasher: SecretHasher): SecretHasher => ({
  hash: (value) => {
    const hash = hasher.hash(value);
    currentWork()?.preimages.set(hash, value);
    return hash;
  },
  verify: hasher.verify,
});

const silent: Logger = { log: () => undefined };

export const createModelAdapter = (model: OAuth2ServerModel, options: ModelAdapterOptions = {}): ModelAdapter => {
  if (typeof model !== 'object' || model === null) throw new TypeError('fromOAuth2ServerModel: the model must be an object');
  for (const name of ['getClient', 'saveToken'] as const) {
    if (!hasFunction(model, name)) throw new TypeError(`fromOAuth2ServerModel: the model does not implement ${name}()`);
  }
  const families = options.refreshFamilies === false ? undefined : refreshFamilies(options.refreshFamilies?.maxEntries);
  const deps: ModelDeps = {
    model,
    version: options.modelVersion ?? 5,
    hasher: options.secrets ?? sha256SecretHasher,
    subject: options.subject ?? defaultSubject,
    userFor: options.userFor ?? ((subject) => ({ id: subject })),
    requireClientAuthentication: options.requireClientAuthentication ?? {},
    tokenEndpointAuthMethod: options.tokenEndpointAuthMethod ?? (() => 'client_secret_basic'),
    allowExtendedTokenAttributes: options.allowExtendedTokenAttributes ?? false,
    families,
    logger: options.logger ?? silent,
    clock: options.clock ?? systemClock,
  };
  const memory = createMemoryStore({ clock: deps.clock });
  const companion = options.companion ?? {};
  const store: ModelStore = {
    clients: modelClientStore(deps),
    authorizationCodes: modelAuthorizationCodeStore(deps),
    accessTokens: modelAccessTokenStore(deps),
    refreshTokens: modelRefreshTokenStore(deps),
    consents: companion.consents ?? memory.consents,
    interactions: companion.interactions ?? memory.interactions,
    deviceCodes: companion.deviceCodes ?? memory.deviceCodes,
    replay: companion.replay ?? memory.replay,
    loginThrottle: companion.loginThrottle ?? createMemoryLoginThrottle(),
    ...(hasFunction(model, 'getUser') ? { passwords: modelPasswordVerifier(deps) } : {}),
    secrets: rememberingHasher(deps.hasher),
    grantTypes: supportedGrantTypes(model),
    wrap: (server) => wrapServer(deps, server),
  };
  return { store, deps, families };
};

/**
 * Grantor's store ports backed by an unchanged `@node-oauth/oauth2-server` model (v4 or v5: promises, plain values or
 * callbacks). Build the server with `{ ...runtime, ...store }` and serve `store.wrap(server)`:
 *
 * ```ts
 * const store = fromOAuth2ServerModel(model);
 * const server = store.wrap(createAuthorizationServer({ issuer, grantTypes: store.grantTypes }, { ...nodeRuntime(), ...store }));
 * ```
 */
export const fromOAuth2ServerModel = (model: OAuth2ServerModel, options: ModelAdapterOptions = {}): ModelStore => createModelAdapter(model, options).store;

/** Options of `createModelAuthorizationServer`: the adapter's, the runtime, and extra ports (keys, claims…). */
export interface ModelServerOptions extends ModelAdapterOptions {
  readonly runtime?: NodeRuntime;
  readonly ports?: Partial<AuthorizationServerPorts>;
}

/**
 * `createAuthorizationServer` over a model, wrapped: `config.grantTypes` defaults to what the model implements,
 * refresh-token reuse has no grace period (a model keeps no successor to retry from), and PKCE is required from public
 * clients only unless `pkce.requiredFor: 'all'` is given (as under `@node-oauth/oauth2-server`, where confidential
 * clients redeem codes without it; the core's own default is every client).
 */
export const createModelAuthorizationServer = (config: ServerConfigInput, model: OAuth2ServerModel, options: ModelServerOptions = {}): AuthorizationServer => {
  const runtime = options.runtime ?? nodeRuntime();
  const store = fromOAuth2ServerModel(model, { logger: runtime.logger, clock: runtime.clock, secrets: runtime.secrets, ...options });
  const server = createAuthorizationServer(
    {
      ...config,
      grantTypes: config.grantTypes ?? store.grantTypes,
      pkce: { requiredFor: 'public', ...config.pkce },
      refreshTokens: { ...config.refreshTokens, reuseGraceSeconds: 0 },
    },
    { ...runtime, ...store, ...options.ports } as AuthorizationServerPorts,
  );
  return store.wrap(server);
};
