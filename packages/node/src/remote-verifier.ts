import { LRUCache } from 'lru-cache';
import type { Clock, Logger } from '@grantor/core';
import { checkBearer, checkSenderConstraint, decodeServerConfig, type ReplayCache } from '@grantor/core/extend';
import { httpJwksFetcher } from './jwks-fetcher.js';
import { outboundFetcher, type HostResolver } from './outbound-fetch.js';
import type { BearerVerifier } from './protected-resource.js';
import { introspectionSource, type IntrospectionOptions } from './remote-introspection.js';
import { jwtAccessTokenSource, type JwtAccessTokenOptions } from './remote-jwt.js';
import { sha256SecretHasher, systemClock } from './runtime.js';

export type { IntrospectionCredentials, IntrospectionOptions } from './remote-introspection.js';
export type { JwtAccessTokenOptions } from './remote-jwt.js';

/** Options of {@link remoteVerifier}: the authorization server, the resource, and exactly one of the two modes. */
export interface RemoteVerifierOptions {
  /** The authorization server's issuer identifier (RFC 8414 §2): `iss` of its tokens and answers; the default `realm`. */
  readonly issuer: string;
  /**
   * The RFC 8707 / RFC 9728 identifier of the resource this server is: every token must name it in its audience
   * (unless the middleware's `audience` or `protectedResource` names another). Also the default origin of DPoP `htu`.
   */
  readonly resource: string;
  /** RFC 7662: opaque (or any) tokens checked at the authorization server's introspection endpoint. */
  readonly introspection?: IntrospectionOptions;
  /** RFC 9068: JWT access tokens checked with the authorization server's JWK Set. */
  readonly jwt?: JwtAccessTokenOptions;
  /**
   * Plain `http:` to the authorization server: `false` (default, HTTPS only), `'loopback'` (only `localhost`,
   * `127.x.x.x`, `[::1]`, and loopback addresses become reachable: local development and tests), `true` (never in
   * production).
   */
  readonly allowHttp?: boolean | 'loopback';
  /** Reach an authorization server on a private address (default `false`: refused after resolution, SSRF). */
  readonly allowPrivateAddresses?: boolean;
  /** Whole-request deadline of a call to the authorization server, in milliseconds. Default 3000. */
  readonly timeoutMs?: number;
  /** How host names are resolved (tests inject one). */
  readonly resolve?: HostResolver;
  /** RFC 9449 at this resource: accepted proof algorithms and the `iat` window (defaults as the core's). */
  readonly dpop?: { readonly signingAlgs?: readonly string[]; readonly proofMaxAgeSeconds?: number };
  /** Seen DPoP proofs kept for replay detection (§11.1). Default 100000. */
  readonly maxDpopProofs?: number;
  /** Default: the system clock (epoch seconds). */
  readonly clock?: Clock;
  /** Where faults are logged (detail and cause; the client only sees the RFC error). Default: nowhere. */
  readonly logger?: Logger;
}

const silent: Logger = Object.freeze({ log: () => undefined });

/**
 * RFC 9449 §11.1 at a resource server: each proof `jti` is accepted once per key while the proof could still be
 * fresh; an in-memory bounded LRU (a resource server behind a load balancer needs a shared cache instead: the same
 * `ReplayCache` port as the core's stores).
 */
const memoryReplayCache = (max: number, clock: Clock): ReplayCache => {
  const seen = new LRUCache<string, true>({ max });
  return {
    remember: (key, expiresAt) => () => {
      if (seen.has(key)) return Promise.resolve({ _tag: 'Right', right: false });
      seen.set(key, true, { ttl: Math.max(1, Math.ceil((expiresAt - clock.now()) * 1000)) });
      return Promise.resolve({ _tag: 'Right', right: true });
    },
  };
};

/**
 * A verifier for a resource server in another process than the authorization server, usable wherever an adapter's
 * bearer middleware takes one (`bearer(remoteVerifier(…), { protectedResource })`). It runs the core's RFC 6750
 * check (`checkBearer`: token extraction §2, `invalid_token`/`insufficient_scope` challenges §3, the audience of
 * RFC 8707, the RFC 9449 §7 DPoP sender constraint with `cnf.jkt`, RFC 9728 §5.1 `resource_metadata`) over a token
 * source that is either RFC 7662 introspection (`introspectionSource`: authenticated, cached briefly) or RFC 9068
 * JWT validation with the issuer's JWK Set (`jwtAccessTokenSource`). When the authorization server or its key set
 * cannot be reached, the answer is 503 `temporarily_unavailable` (500 `server_error` for a permanent fault such as
 * refused credentials), never "valid" and never a rejected promise. Configuration mistakes throw here, at startup.
 */
export const remoteVerifier = (options: RemoteVerifierOptions): BearerVerifier => {
  if ((options.introspection === undefined) === (options.jwt === undefined)) throw new TypeError('remoteVerifier: give exactly one of introspection and jwt');
  const origin = new URL(options.resource).origin;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silent;
  const network = {
    allowHttp: options.allowHttp ?? false,
    timeoutMs: options.timeoutMs ?? 3000,
    ...(options.allowPrivateAddresses === undefined ? {} : { allowPrivateAddresses: options.allowPrivateAddresses }),
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
  };
  const config = decodeServerConfig({ issuer: options.issuer, ...(options.dpop === undefined ? {} : { dpop: options.dpop }) });
  const replay = memoryReplayCache(options.maxDpopProofs ?? 100_000, clock);
  const source =
    options.introspection !== undefined
      ? introspectionSource(options.introspection, { issuer: options.issuer, fetch: outboundFetcher(network), clock, logger })
      : jwtAccessTokenSource(options.jwt as JwtAccessTokenOptions, { issuer: options.issuer, jwks: httpJwksFetcher({ ...network, now: () => clock.now() * 1000 }), clock });

  const check = checkBearer({
    clock,
    logger,
    realm: options.issuer,
    baseUrl: origin,
    dpopAlgs: config.dpop.signingAlgs,
    find: (token) => async () => {
      const result = await source(token);
      if (result._tag === 'Left') return result;
      return { _tag: 'Right', right: result.right === null ? { _tag: 'None' } : { _tag: 'Some', value: result.right } };
    },
    senderConstraint: (req, presented, record) => checkSenderConstraint({ config, replay, secrets: sha256SecretHasher }, req, presented, record),
  });
  return { bearer: (req, bearerOptions = {}) => check(req, { ...bearerOptions, audience: bearerOptions.audience ?? options.resource }) };
};
