import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { discoveryRoutes } from '../endpoints/discovery.js';
import { endSessionRoute } from '../endpoints/end-session.js';
import { introspectionRoute, introspectionSigningAlg } from '../endpoints/introspection.js';
import { jwksRoute } from '../endpoints/jwks.js';
import { revocationRoute } from '../endpoints/revocation.js';
import { userinfoRoute } from '../endpoints/userinfo.js';
import { defaultSigningAlgorithms, joseSigner } from '../keys/jose-signer.js';
import { memoryKeyStore } from '../keys/key-stores.js';
import type { ClientAuthMethod } from '../domain/client.js';
import type { UserClaimsSource } from '../ports/identity.js';
import type { KeySet, KeyStore, Signer, SigningAlg } from '../ports/keys.js';
import type { SessionPort } from '../ports/sessions.js';
import type { RefreshTokenStore } from '../ports/stores.js';
import { storeError, type StoreError } from '../errors/store-error.js';
import type { ClaimHooks } from '../tokens/claim-hooks.js';
import type { TokenHooks } from '../tokens/issue.js';
import { signedTokenHooks } from '../tokens/signed-tokens.js';
import type { AuthorizationServer, KeyOperationResult, KeyRotationApi, Route } from './authorization-server.js';
import { bearerCheck } from './bearer.js';
import type { ServerConfig } from './config.js';
import type { AuthorizationServerPorts } from './ports.js';

/** Options of the signing side (functions and key choices, which the decoded `ServerConfig` does not carry). */
export interface SigningOptions {
  /** Algorithms with an active key (default RS256 and ES256). */
  readonly algorithms?: readonly SigningAlg[];
  /** ID token `alg` (default RS256). */
  readonly idTokenAlg?: SigningAlg;
  /** RFC 9068 access token `alg` (default ES256: the fastest to sign; ID tokens stay RS256 for interoperability). */
  readonly accessTokenAlg?: SigningAlg;
  /** `aud` of JWT access tokens without a recorded audience (default: the issuer). */
  readonly accessTokenAudience?: string | readonly string[];
  /**
   * How long retired keys stay published (seconds). Default: the longest of the configured access-token and ID-token
   * lifetimes plus the assertion clock skew; raise it when a client's own lifetimes are longer.
   */
  readonly maxTokenLifetime?: number;
}

/** The ports of keys, ID tokens, userinfo, introspection and revocation. All optional. */
export interface OidcPorts {
  /** Where the signing key set is kept; default: in memory (new keys on every restart). */
  readonly keys?: KeyStore;
  /** A custom signer (KMS/HSM); replaces the default jose signer over `keys`. */
  readonly signer?: Signer;
  /** End-user claims (OIDC Core §5.1): the userinfo endpoint is mounted only with this port. */
  readonly claims?: UserClaimsSource;
  readonly refreshTokens?: RefreshTokenStore;
  /** Extra claims for access tokens, ID tokens and introspection responses. */
  readonly claimHooks?: ClaimHooks;
  readonly signing?: SigningOptions;
  /**
   * Client authentication methods to advertise (default: basic, post, private_key_jwt, none, and client_secret_jwt
   * when the `clientSecretJwtKeys` port is present).
   */
  readonly tokenEndpointAuthMethods?: readonly ClientAuthMethod[];
  /** The host's login sessions: the end-session endpoint tells it about every accepted logout. */
  readonly sessions?: SessionPort;
}

const defaultSigners = new WeakMap<object, Signer>();

/**
 * The server's signer: `ports.signer`, else one default jose signer per key store (or, without a key store, per
 * access-token store, so every builder of one server shares the same in-memory keys).
 */
export const signerOf = (config: ServerConfig, ports: AuthorizationServerPorts): Signer => {
  if (ports.signer !== undefined) return ports.signer;
  const anchor: object = ports.keys ?? ports.accessTokens;
  const existing = defaultSigners.get(anchor);
  if (existing !== undefined) return existing;
  const signing = ports.signing ?? {};
  const created = joseSigner({
    store: ports.keys ?? memoryKeyStore(),
    clock: ports.clock,
    algorithms: signing.algorithms ?? defaultSigningAlgorithms,
    maxTokenLifetime: signing.maxTokenLifetime ?? Math.max(config.lifetimes.accessToken, config.lifetimes.idToken) + config.assertions.clockSkewSeconds,
  });
  defaultSigners.set(anchor, created);
  return created;
};

const depsOf = (config: ServerConfig, ports: AuthorizationServerPorts) => ({
  config,
  clock: ports.clock,
  logger: ports.logger,
  signer: signerOf(config, ports),
  secrets: ports.secrets,
  accessTokens: ports.accessTokens,
  ...(ports.refreshTokens === undefined ? {} : { refreshTokens: ports.refreshTokens }),
  clientAuth: ports,
  ...(ports.claimHooks === undefined ? {} : { claimHooks: ports.claimHooks }),
});

/** `AuthorizationServer.bearer` over the server's stores and keys. */
export const oidcBearer = (config: ServerConfig, ports: AuthorizationServerPorts): AuthorizationServer['bearer'] => bearerCheck(depsOf(config, ports));

/** RFC 9068 JWT access tokens and ID tokens for `issueTokens`. */
export const oidcTokenHooks = (config: ServerConfig, ports: AuthorizationServerPorts): TokenHooks => {
  const signing = ports.signing ?? {};
  return signedTokenHooks(config, signerOf(config, ports), {
    ...(ports.claimHooks === undefined ? {} : { claims: ports.claimHooks }),
    idToken: { alg: signing.idTokenAlg ?? 'RS256' },
    accessToken: { alg: signing.accessTokenAlg ?? 'ES256', ...(signing.accessTokenAudience === undefined ? {} : { defaultAudience: signing.accessTokenAudience }) },
  });
};

/** A signer that can also rotate and reload its keys (the default `joseSigner`'s `Keyring`). */
type Rotatable = Signer & { readonly rotate: () => TE.TaskEither<StoreError, KeySet>; readonly reload: () => TE.TaskEither<StoreError, KeySet> };
const isRotatable = (signer: Signer): signer is Rotatable =>
  typeof (signer as Partial<Rotatable>).rotate === 'function' && typeof (signer as Partial<Rotatable>).reload === 'function';

/** Runs a key-set change, then reports the published and active keys; never rejects. */
const keyOperation = (signer: Rotatable, change: () => TE.TaskEither<StoreError, KeySet>) => async (): Promise<KeyOperationResult> => {
  try {
    const result = await pipe(
      change(),
      TE.bindTo('set'),
      TE.bind('jwks', () => signer.publicJwks()),
    )();
    return E.isLeft(result)
      ? { _tag: 'Failed', error: result.left }
      : { _tag: 'Done', jwks: result.right.jwks, active: result.right.set.keys.filter((k) => k.status === 'active').map((k) => ({ kid: k.kid, alg: k.alg })) };
  } catch (cause) {
    return { _tag: 'Failed', error: storeError('key operation failed', { cause }) };
  }
};

/**
 * `AuthorizationServer.keys`: rotation and reload of the server's own signer (the one every token hook, the JWKS and
 * the bearer check share), when it can rotate; `undefined` otherwise.
 */
export const oidcKeys = (config: ServerConfig, ports: AuthorizationServerPorts): KeyRotationApi | undefined => {
  const signer = signerOf(config, ports);
  if (!isRotatable(signer)) return undefined;
  return { rotate: keyOperation(signer, () => signer.rotate()), reload: keyOperation(signer, () => signer.reload()) };
};

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const defaultAuthMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** Discovery advertises only the endpoints this composition mounts. */
const mounted = (config: ServerConfig, ports: AuthorizationServerPorts) => (path: string): boolean => {
  const r = config.routes;
  if (path === r.authorization) return config.grantTypes.includes('authorization_code');
  if (path === r.deviceAuthorization) return config.grantTypes.includes(deviceGrant);
  if (path === r.userinfo) return ports.claims !== undefined;
  return [r.token, r.jwks, r.introspection, r.revocation, r.endSession].includes(path);
};

const discovery = (config: ServerConfig, ports: AuthorizationServerPorts): readonly Route[] => {
  const signer = signerOf(config, ports);
  return discoveryRoutes(config, ports.logger, () => ({
    idTokenSigningAlgs: signer.algorithms(),
    introspectionSigningAlgs: [introspectionSigningAlg({ signer })],
    hasRoute: mounted(config, ports),
    tokenEndpointAuthMethods:
      ports.tokenEndpointAuthMethods ??
      (ports.clientSecretJwtKeys === undefined ? defaultAuthMethods : [...defaultAuthMethods, 'client_secret_jwt']),
  }));
};

/** A route of this side, built from the decoded config and the server's ports (`undefined`: not mounted). */
type Builder = (config: ServerConfig, ports: AuthorizationServerPorts) => Route | undefined;

/**
 * The route builders of the signing/OIDC side, for `createAuthorizationServer`'s `oidcRouteBuilders`: jwks, both
 * discovery documents (OpenID Connect Discovery §4 and RFC 8414 §3), userinfo (only with the `claims` port),
 * introspection, revocation, end session (OpenID Connect RP-Initiated Logout 1.0).
 */
export const oidcRouteBuilders: readonly Builder[] = [
  (config, ports) => jwksRoute(depsOf(config, ports)),
  (config, ports) => discovery(config, ports)[0],
  (config, ports) => discovery(config, ports)[1],
  (config, ports) => {
    const claims = ports.claims;
    return claims === undefined ? undefined : userinfoRoute({ ...depsOf(config, ports), claims, bearer: oidcBearer(config, ports) });
  },
  (config, ports) => introspectionRoute(depsOf(config, ports)),
  (config, ports) => revocationRoute(depsOf(config, ports)),
  (config, ports) =>
    endSessionRoute({
      config,
      clients: ports.clients,
      signer: signerOf(config, ports),
      logger: ports.logger,
      ...(ports.sessions === undefined ? {} : { sessions: ports.sessions }),
    }),
];

/** Every route of the signing/OIDC side (see {@link oidcRouteBuilders}). */
export const oidcRoutes = (config: ServerConfig, ports: AuthorizationServerPorts): readonly Route[] =>
  oidcRouteBuilders.map((build) => build(config, ports)).filter((r): r is Route => r !== undefined);
