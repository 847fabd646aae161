import type { EcPrivateJwk } from './jws.js';
import type { AccessTokenInfo, AuthorizationServer, Client, Clock, Logger, LoginThrottle, PasswordVerifier, Random, SecretHasher } from '@grantor/core';
import type { PublicJwk } from '@grantor/core/extend';

/** The test route every conformance mount serves, guarded by the adapter's bearer middleware. */
export const conformanceProtected = Object.freeze({
  /** Guarded with `requiredScopes: ['read']`; header or form-body tokens only. */
  path: '/__conformance/protected',
  /** Guarded with `requiredScopes: ['read']` and `allowQuery: true`. */
  queryPath: '/__conformance/protected-query',
  requiredScopes: Object.freeze(['read']) as readonly string[],
});

/** What the protected test routes answer with (the adapter's `auth` value, as JSON). */
export const protectedResponseBody = (auth: AccessTokenInfo | undefined) => ({
  client_id: auth?.clientId ?? null,
  subject: auth?.subject ?? null,
  scope: auth?.scope ?? null,
});

/** The clients and user the conformance suite drives. */
export interface ConformanceSeed {
  /** `client_secret_basic`; authorization_code, refresh_token, client_credentials. */
  readonly confidential: { readonly clientId: string; readonly secret: string; readonly redirectUri: string };
  /** `client_secret_post`; client_credentials only. */
  readonly postClient: { readonly clientId: string; readonly secret: string };
  /** Public client (`none`), PKCE. */
  readonly publicClient: { readonly clientId: string; readonly redirectUri: string };
  readonly subject: string;
  /** The clients and user of the device, JWT bearer, token exchange and password grant and JWT client auth checks. */
  readonly grants: GrantsSeed;
}

/** Clients and a user for the device, JWT bearer, token exchange and password grants and the JWT client auth methods. */
export interface GrantsSeed {
  /** `private_key_jwt` (ES256, inline `jwks`); client_credentials, the JWT bearer grant and request objects (RFC 9101) with the same key. */
  readonly jwtClient: {
    readonly clientId: string;
    readonly kid: string;
    readonly privateJwk: EcPrivateJwk;
    /** Two registered redirect URIs: request objects (RFC 9101) name the first, query parameters try the second. */
    readonly redirectUris: readonly [string, string];
  };
  /** `client_secret_jwt` (HS256 with the secret, kept by the store's `clientSecretJwtKeys`); client_credentials. */
  readonly hmacClient: { readonly clientId: string; readonly secret: string };
  /** `client_secret_basic`; client_credentials and token exchange (RFC 8693). */
  readonly exchangeClient: { readonly clientId: string; readonly secret: string };
  /** `client_secret_basic`; the password grant only (legacy), with `user`. */
  readonly passwordClient: { readonly clientId: string; readonly secret: string };
  readonly user: { readonly username: string; readonly password: string; readonly subject: string };
}

export interface ConformanceServer {
  readonly server: AuthorizationServer;
  readonly seed: ConformanceSeed;
}

export const conformanceSeed: ConformanceSeed = Object.freeze({
  confidential: { clientId: 'conformance-confidential', secret: 'conformance-secret-0123456789abcdef', redirectUri: 'https://client.example/cb' },
  postClient: { clientId: 'conformance-post', secret: 'conformance-post-secret-0123456789' },
  publicClient: { clientId: 'conformance-public', redirectUri: 'https://public.example/cb' },
  subject: 'alice',
  grants: {
    jwtClient: {
      clientId: 'conformance-jwt',
      kid: 'conformance-es256',
      redirectUris: ['https://jwt.example/cb', 'https://jwt.example/other'] as const,
      // A test-only key (never use it anywhere else).
      privateJwk: {
        kty: 'EC' as const,
        crv: 'P-256' as const,
        x: 'fElxYbApS7Mome7QdVKdlOJL_TG1INBGrOfWty6e4yk',
        y: '2s478AIpSowkPn6RAUlph3I5qonA5b9z8JCRQVaSbEQ',
        d: 'nGLTf2PK73UxEHTNUC41z2qozjKm65YAPkUoKVNfQpw',
      },
    },
    hmacClient: { clientId: 'conformance-hmac', secret: 'conformance-hmac-secret-0123456789abcdef0123' },
    exchangeClient: { clientId: 'conformance-exchange', secret: 'conformance-exchange-secret-0123456789' },
    passwordClient: { clientId: 'conformance-password', secret: 'conformance-password-client-0123456789' },
    user: { username: 'Bob', password: 'correct horse battery staple', subject: 'bob' },
  },
});

const jwtBearerGrantType = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const tokenExchangeGrantType = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** The public half of the `private_key_jwt` client's key, as registered (`jwks`). */
const publicJwk = (seed: ConformanceSeed): PublicJwk => {
  const { kty, crv, x, y } = seed.grants.jwtClient.privateJwk;
  return { kty, crv, x, y, kid: seed.grants.jwtClient.kid, alg: 'ES256', use: 'sig' };
};

/** The registered clients of the seed, secrets hashed with `hash`. */
export const conformanceClients = (hash: (secret: string) => string, seed: ConformanceSeed = conformanceSeed): readonly Client[] => [
  {
    clientId: seed.confidential.clientId,
    secretHashes: [{ hash: hash(seed.confidential.secret) }],
    redirectUris: [seed.confidential.redirectUri],
    postLogoutRedirectUris: [],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
    responseTypes: ['code'],
    scope: ['openid', 'offline_access', 'read', 'write'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  },
  {
    clientId: seed.postClient.clientId,
    secretHashes: [{ hash: hash(seed.postClient.secret) }],
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials'],
    responseTypes: [],
    scope: ['read', 'write'],
    tokenEndpointAuthMethod: 'client_secret_post',
  },
  {
    clientId: seed.publicClient.clientId,
    secretHashes: [],
    redirectUris: [seed.publicClient.redirectUri],
    postLogoutRedirectUris: [],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    scope: ['openid', 'offline_access', 'read'],
    tokenEndpointAuthMethod: 'none',
  },
  {
    clientId: seed.grants.jwtClient.clientId,
    secretHashes: [],
    redirectUris: [...seed.grants.jwtClient.redirectUris],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials', jwtBearerGrantType, 'authorization_code'],
    responseTypes: ['code'],
    scope: ['read', 'write'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: [publicJwk(seed)] },
  },
  {
    clientId: seed.grants.hmacClient.clientId,
    secretHashes: [{ hash: hash(seed.grants.hmacClient.secret) }],
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials'],
    responseTypes: [],
    scope: ['read'],
    tokenEndpointAuthMethod: 'client_secret_jwt',
  },
  {
    clientId: seed.grants.exchangeClient.clientId,
    secretHashes: [{ hash: hash(seed.grants.exchangeClient.secret) }],
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials', tokenExchangeGrantType],
    responseTypes: [],
    scope: ['read', 'write'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  },
  {
    clientId: seed.grants.passwordClient.clientId,
    secretHashes: [{ hash: hash(seed.grants.passwordClient.secret) }],
    redirectUris: [],
    postLogoutRedirectUris: [],
    grantTypes: ['password'],
    responseTypes: [],
    scope: ['read'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  },
];

/** The host's password check of the conformance user (the core never sees a password hash). */
export const conformancePasswords = (seed: ConformanceSeed = conformanceSeed): PasswordVerifier => ({
  verify: (username, password) => async () => ({
    _tag: 'Right' as const,
    right:
      username.toLowerCase() === seed.grants.user.username.toLowerCase() && password === seed.grants.user.password
        ? { _tag: 'Some' as const, value: { subject: seed.grants.user.subject } }
        : { _tag: 'None' as const },
  }),
});

/** The configuration input of the conformance server: mounted under `/oauth`. */
export const conformanceConfig = {
  issuer: 'http://127.0.0.1/oauth',
  interactionUrl: '/interaction/{id}',
  scopesSupported: ['openid', 'offline_access', 'profile', 'email', 'read', 'write'],
  grantTypes: [
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'password',
  ],
  refreshTokens: { reuseGraceSeconds: 0 },
} as const;

/** The pieces a conformance server is built from (injected: the testkit depends on neither a store nor Node). */
/** What the suite needs of a store: saving clients and the `client_secret_jwt` secrets (`ClientSecretJwtKeyStore`). */
export interface ConformanceStore {
  readonly clients: { readonly save: (c: Client) => () => Promise<unknown> };
  readonly clientSecretJwtKeys: { readonly save: (clientId: string, secret: string) => () => Promise<unknown> };
}

export interface ConformanceDeps<S extends ConformanceStore> {
  readonly createAuthorizationServer: (config: typeof conformanceConfig, ports: never) => AuthorizationServer | Promise<AuthorizationServer>;
  /** A fresh store (may be async, e.g. a SQL store that migrates first). */
  readonly createStore: () => S | Promise<S>;
  readonly runtime: { readonly clock: Clock; readonly random: Random; readonly secrets: SecretHasher; readonly logger: Logger };
  /** The password grant's attempt throttle (e.g. `createMemoryLoginThrottle()` of `@grantor/store-memory`). */
  readonly createLoginThrottle: () => LoginThrottle;
  /** Ports beyond runtime and store (keys, claims…), merged last. */
  readonly extraPorts?: Readonly<Record<string, unknown>>;
}

const defaultClaims = {
  claims: (subject: string) => async () => ({ _tag: 'Right' as const, right: { _tag: 'Some' as const, value: { sub: subject, name: 'Alice Example', email: 'alice@example.com' } } }),
};

/**
 * `makeServer` for `runHttpConformance`: a fresh store seeded with the conformance clients (and the `client_secret_jwt`
 * secret), the runtime ports, a claims source, the password grant's verifier and throttle, and the core built over
 * them (`{ ...runtime, ...store, claims, passwords, loginThrottle, ...extraPorts }`).
 */
export const conformanceServerFactory =
  <S extends ConformanceStore>(deps: ConformanceDeps<S>) =>
  async (): Promise<ConformanceServer> => {
    const store = await deps.createStore();
    for (const client of conformanceClients(deps.runtime.secrets.hash)) await store.clients.save(client)();
    const hmac = conformanceSeed.grants.hmacClient;
    await store.clientSecretJwtKeys.save(hmac.clientId, hmac.secret)();
    const ports = {
      ...deps.runtime,
      ...store,
      claims: defaultClaims,
      passwords: conformancePasswords(),
      loginThrottle: deps.createLoginThrottle(),
      ...deps.extraPorts,
    };
    const server = await deps.createAuthorizationServer(conformanceConfig, ports as never);
    return { server, seed: conformanceSeed };
  };
