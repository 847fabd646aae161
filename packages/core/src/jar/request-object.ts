import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { clientKeysOf, verifyWithClientKeys, type ClientKeysFailure } from '../client-auth/client-keys.js';
import type { ServerConfig } from '../config/server-config.js';
import type { Client } from '../domain/client.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { looksLikeJws } from '../keys/verify.js';
import type { JwksFetcher } from '../ports/jwks-fetcher.js';
import type { ReplayCache } from '../ports/stores.js';

/** Raw request parameters, each name with every value it was sent with (the authorization endpoint's shape). */
type MultiParams = Readonly<Record<string, readonly string[]>>;

/** What verifying a request object needs: single use of `jti`, and the client's `jwks_uri` when it registers one. */
export interface RequestObjectPorts {
  readonly replay: ReplayCache;
  readonly jwksFetcher?: JwksFetcher;
}

/** RFC 9101 §10.8 / RFC 8725 §3.11: the explicit `typ` of a request object (also `JWT`, or none, for older clients). */
const acceptedTypes: readonly (string | undefined)[] = [undefined, 'oauth-authz-req+jwt', 'JWT', 'jwt'];

/** JWT claims that describe the object itself, not the authorization request (RFC 7519 §4.1). */
const jwtClaims: readonly string[] = ['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub'];

const invalidObject = (description: string, detail: string): OAuthError => oauthError('invalid_request_object', description, { detail });

/**
 * RFC 9101 §4 / OpenID Connect Core §6.1: the request object's claims as authorization request parameters, so that
 * they go through the same decoding as query parameters (one codec). Strings are taken as they are (an empty one is
 * omitted, RFC 6749 §3.1), numbers (`max_age`) as their decimal text, arrays of strings (`resource`, RFC 8707) as
 * repeated values, objects (`claims`) as their JSON text. `request` and `request_uri` must not appear inside
 * (§4); `client_id`, when present, must be the client's (§5). JWT claims (`iss`, `aud`, `exp`, ...) are dropped.
 */
const requestObjectParams = (client: Client, claims: Readonly<Record<string, unknown>>): E.Either<OAuthError, MultiParams> => {
  const out: Record<string, readonly string[]> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (jwtClaims.includes(name)) continue;
    if (name === 'request' || name === 'request_uri') return E.left(invalidObject(`A request object must not contain ${name}.`, `${name} inside a request object`));
    if (typeof value === 'string') {
      if (value !== '') out[name] = [value];
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      out[name] = [String(value)];
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      const values = (value as readonly string[]).filter((v) => v !== '');
      if (values.length > 0) out[name] = values;
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out[name] = [JSON.stringify(value)];
    } else if (value !== null) {
      return E.left(invalidObject(`The request object member ${name} has an unsupported value.`, `request object ${name}: ${typeof value}`));
    }
  }
  const sentId = out['client_id'];
  if (sentId !== undefined && (sentId.length !== 1 || sentId[0] !== client.clientId)) {
    return E.left(invalidObject('The client_id in the request object does not match the client.', `request object client_id ${sentId.join(',')} for ${client.clientId}`));
  }
  return E.right({ ...out, client_id: [client.clientId] });
};

/** A verification failure as `invalid_request_object`; a transient `jwks_uri` fetch fault as `temporarily_unavailable`. */
const keysFailure = (failure: ClientKeysFailure): OAuthError =>
  failure._tag === 'Rejected'
    ? invalidObject('The request object is invalid.', `request object rejected: ${String(failure.cause)}`)
    : failure.error.transient
      ? fromStoreError({ ...failure.error, detail: `jwks_uri fetch failed: ${failure.error.detail}` })
      : invalidObject('The request object could not be verified.', `jwks_uri fetch failed: ${failure.error.detail}`);

/** RFC 9101 §6.1: a JWS in compact form with a real signature algorithm (`none` is refused, encryption is not supported). */
const signedHeader = (config: ServerConfig, jwt: string): E.Either<OAuthError, void> => {
  if (!looksLikeJws(jwt)) return E.left(invalidObject('The request object must be a signed JWT (unsigned and encrypted objects are refused).', 'not one compact JWS'));
  let header: Readonly<Record<string, unknown>>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch (cause) {
    return E.left(invalidObject('The request object is malformed.', `undecodable header: ${String(cause)}`));
  }
  const alg = header['alg'];
  if (typeof alg !== 'string' || !config.requestObjects.signingAlgs.includes(alg)) {
    return E.left(invalidObject('The request object signing algorithm is not supported.', `request object alg ${String(alg)}`));
  }
  const typ = header['typ'];
  return typ === undefined || (typeof typ === 'string' && acceptedTypes.includes(typ))
    ? E.right(undefined)
    : E.left(invalidObject('The request object has an unexpected typ.', `request object typ ${String(typ)}`));
};

/**
 * RFC 9101 §6.2 checks after the signature: `exp` no further ahead than `config.requestObjects.maxLifetimeSeconds`,
 * `nbf` (when present) not older than that, and `jti` (when present) single use through the replay cache, remembered
 * under `jar:client_id:jti` until `exp` (RFC 9101 §10.1; FAPI 2.0 Message Signing §5.3.1).
 */
const checkLifetimeAndReplay = (config: ServerConfig, ports: RequestObjectPorts, client: Client, payload: JWTPayload, now: number): TE.TaskEither<OAuthError, void> => {
  const skew = config.assertions.clockSkewSeconds;
  const limit = config.requestObjects.maxLifetimeSeconds;
  const exp = payload.exp as number;
  if (exp - now > limit + skew) return TE.left(invalidObject('The request object lives too long.', `request object exp ${exp} beyond ${limit}s`));
  if (typeof payload.nbf === 'number' && now - payload.nbf > limit + skew) return TE.left(invalidObject('The request object is too old.', `request object nbf ${payload.nbf}`));
  const jti = payload.jti;
  if (jti === undefined) return TE.right(undefined);
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) return TE.left(invalidObject('The request object jti is malformed.', 'malformed jti'));
  return pipe(
    ports.replay.remember(`jar:${client.clientId}:${jti}`, Math.floor(exp) + skew),
    TE.mapError(fromStoreError),
    TE.flatMap((fresh) => (fresh ? TE.right(undefined) : TE.left(invalidObject('The request object has already been used.', `request object jti replay ${jti}`)))),
  );
};

/**
 * Verifies a request object (RFC 9101 §6) sent by `client` and returns its authorization request parameters:
 * a JWS (§6.1, `none` refused) signed with one of the client's registered keys (`jwks`, or `jwks_uri` through the
 * `jwksFetcher` port, refetched once on an unknown `kid`) by an algorithm of `config.requestObjects.signingAlgs`,
 * `iss` = the client_id and `aud` containing the issuer (§4, RFC 9101 §10.2), `exp` required and bounded, `nbf`
 * respected, `jti` single use. Every failure is `invalid_request_object` (§7); never throws.
 */
export const verifyRequestObject = (config: ServerConfig, ports: RequestObjectPorts, client: Client, jwt: string, now: number): TE.TaskEither<OAuthError, MultiParams> => {
  const header = signedHeader(config, jwt);
  if (E.isLeft(header)) return TE.left(header.left);
  const source = clientKeysOf(client, ports.jwksFetcher);
  if (E.isLeft(source)) return TE.left(invalidObject('The client has no registered keys to verify a request object.', source.left));
  const options = {
    issuer: client.clientId,
    audience: config.issuer,
    algorithms: [...config.requestObjects.signingAlgs],
    currentDate: new Date(Math.floor(now) * 1000),
    clockTolerance: config.assertions.clockSkewSeconds,
    requiredClaims: ['exp'],
  };
  return pipe(
    verifyWithClientKeys(source.right, (keys) => jwtVerify(jwt, createLocalJWKSet({ keys: keys as unknown as JWK[] }), options)),
    TE.mapError(keysFailure),
    TE.tap(({ payload }) => checkLifetimeAndReplay(config, ports, client, payload, now)),
    TE.flatMap(({ payload }) => TE.fromEither(requestObjectParams(client, payload))),
  );
};

/** RFC 9101 §10.5 `require_signed_request_object`: server-wide, or for this client. */
export const signedRequestObjectRequired = (config: ServerConfig, client: Client): boolean =>
  config.requestObjects.required || client.requireSignedRequestObject === true;
