import type { AccessTokenInfo, AuthorizationServer, Client, Clock, Logger, Random, SecretHasher } from '@grantor/core';

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
});

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
];

/** The configuration input of the conformance server: mounted under `/oauth`. */
export const conformanceConfig = {
  issuer: 'http://127.0.0.1/oauth',
  interactionUrl: '/interaction/{id}',
  scopesSupported: ['openid', 'offline_access', 'profile', 'email', 'read', 'write'],
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
  refreshTokens: { reuseGraceSeconds: 0 },
} as const;

/** The pieces a conformance server is built from (injected: the testkit depends on neither a store nor Node). */
export interface ConformanceDeps<S extends { readonly clients: { readonly save: (c: Client) => () => Promise<unknown> } }> {
  readonly createAuthorizationServer: (config: typeof conformanceConfig, ports: never) => AuthorizationServer | Promise<AuthorizationServer>;
  readonly createStore: () => S;
  readonly runtime: { readonly clock: Clock; readonly random: Random; readonly secrets: SecretHasher; readonly logger: Logger };
  /** Ports beyond runtime and store (keys, claims…), merged last. */
  readonly extraPorts?: Readonly<Record<string, unknown>>;
}

const defaultClaims = {
  claims: (subject: string) => async () => ({ _tag: 'Right' as const, right: { _tag: 'Some' as const, value: { sub: subject, name: 'Alice Example', email: 'alice@example.com' } } }),
};

/**
 * `makeServer` for `runHttpConformance`: a fresh store seeded with the conformance clients, the runtime ports, a
 * claims source, and the core built over them (`{ ...runtime, ...store, claims, ...extraPorts }`).
 */
export const conformanceServerFactory =
  <S extends { readonly clients: { readonly save: (c: Client) => () => Promise<unknown> } }>(deps: ConformanceDeps<S>) =>
  async (): Promise<ConformanceServer> => {
    const store = deps.createStore();
    for (const client of conformanceClients(deps.runtime.secrets.hash)) await store.clients.save(client)();
    const ports = { ...deps.runtime, ...store, claims: defaultClaims, ...deps.extraPorts };
    const server = await deps.createAuthorizationServer(conformanceConfig, ports as never);
    return { server, seed: conformanceSeed };
  };
