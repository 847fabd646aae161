import * as E from 'fp-ts/lib/Either.js';
import type { TokenUsageSink } from '../ports/token-usage.js';
import { reportUse } from '../tokens/usage.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { isSubset, formatScope } from '../domain/scope.js';
import { invalidRequest, oauthError, oauthErrorStatus, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError, type StoreError } from '../errors/store-error.js';
import { decodeFormComponent, isFormContentType } from '../http/form-urlencoded.js';
import { utf8Decode } from '../http/encoding.js';
import type { HttpRequest } from '../http/http-request.js';
import { empty, json, noStore } from '../http/http-response.js';
import type { Clock, Logger } from '../ports/runtime.js';
import { logError } from './render-error.js';
import type { HttpResponse } from '../http/http-response.js';
import { findAccessToken, isActiveAccessToken, type TokenLookupPorts } from '../tokens/lookup.js';
import { optional } from '../domain/optional.js';
import { checkSenderConstraint, type TokenScheme } from '../dpop/resource.js';
import type { ReplayCache } from '../ports/stores.js';
import type { AccessTokenRecord } from '../domain/records.js';

/** What a resource server learns from a valid access token (RFC 6750, RFC 7662 vocabulary). */
export interface AccessTokenInfo {
  readonly clientId: string;
  readonly subject?: string;
  readonly scope: readonly string[];
  readonly expiresAt: number;
  readonly issuedAt: number;
  readonly audience?: readonly string[];
  readonly tokenId: string;
  readonly format: 'opaque' | 'jwt';
  readonly extra?: Readonly<Record<string, unknown>>;
}

export type BearerResult =
  | { readonly _tag: 'Authorized'; readonly auth: AccessTokenInfo }
  /** `response` is the RFC 6750 §3 error (401/403/400 with `WWW-Authenticate`) to send as is. */
  | { readonly _tag: 'Rejected'; readonly response: HttpResponse };

export interface BearerOptions {
  /** Every one of these scopes must be granted (RFC 6750 §3.1 `insufficient_scope` otherwise). */
  readonly requiredScopes?: readonly string[];
  /** RFC 6750 §2.3 URI query parameter: off unless enabled. */
  readonly allowQuery?: boolean;
  /** RFC 6750 §2.2 form-encoded body parameter (on by default). */
  readonly allowBody?: boolean;
  /** `realm` in `WWW-Authenticate`. */
  readonly realm?: string;
  /**
   * The RFC 8707 resource identifier this resource server is: a token whose audience does not include it is
   * `invalid_token` (RFC 9068 §4, RFC 8707 §1: a token meant for another resource is refused). Default: no check.
   */
  readonly audience?: string;
  /**
   * RFC 9449 §4.3: the absolute URL clients address this resource at (the `htu` DPoP proofs must name). Default:
   * the server's `baseUrl` followed by the request's path.
   */
  readonly url?: string;
  /**
   * RFC 9728 §5.1: the URL of this resource's protected resource metadata. When set, every challenge this check sends
   * (`Bearer` and `DPoP`) carries `resource_metadata="…"`, so a client can discover the authorization server from a 401.
   */
  readonly resourceMetadata?: string;
}

export interface BearerPorts extends TokenLookupPorts {
  readonly clock: Clock;
  readonly logger: Logger;
  /** RFC 9449 §11.1: proof `jti` single use; without it DPoP-scheme requests are refused. */
  readonly replay?: ReplayCache;
  /** Usage tracking: told of every token the check accepts. */
  readonly tokenUsage?: TokenUsageSink;
}

/** RFC 6750 §2.1 `b64token` syntax. */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * RFC 6750 §3: an `auth-param` value is a quoted string; `error_description` and `scope` may only use %x20-21 /
 * %x23-5B / %x5D-7E, so anything else is replaced.
 */
const quote = (value: string): string => `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '?')}"`;

/** RFC 9728 §5.1: the `resource_metadata` auth-param, when the resource publishes its metadata. */
const metadataParam = (resourceMetadata: string | undefined): readonly string[] =>
  resourceMetadata === undefined ? [] : [`resource_metadata=${quote(resourceMetadata)}`];

/**
 * RFC 6750 §3: `WWW-Authenticate: Bearer realm="…", error="…", error_description="…", scope="…"`, with RFC 9728 §5.1
 * `resource_metadata="…"` when given.
 */
export const bearerChallenge = (realm: string, error?: OAuthError, scope?: readonly string[], resourceMetadata?: string): string =>
  [
    `Bearer realm=${quote(realm)}`,
    ...(error === undefined ? [] : [`error=${quote(error.code)}`, `error_description=${quote(error.description)}`]),
    ...(scope === undefined || scope.length === 0 ? [] : [`scope=${quote(formatScope(scope))}`]),
    ...metadataParam(resourceMetadata),
  ].join(', ');

/** RFC 9449 §7.1: `WWW-Authenticate: DPoP realm="…", error="…", error_description="…", algs="ES256 …"` (+ RFC 9728 §5.1). */
const dpopChallenge = (realm: string, algs: readonly string[], error: OAuthError, resourceMetadata?: string): string =>
  [
    `DPoP realm=${quote(realm)}`,
    `error=${quote(error.code)}`,
    `error_description=${quote(error.description)}`,
    `algs=${quote(algs.join(' '))}`,
    ...metadataParam(resourceMetadata),
  ].join(', ');

/** Where a challenge points: the realm and the RFC 9728 metadata URL. */
interface ChallengeTarget {
  readonly realm: string;
  readonly resourceMetadata?: string;
}

/**
 * A refusal of a DPoP-scheme request (or of a bound token sent as Bearer): always 401 with the DPoP challenge
 * (RFC 9449 §7.1, §9: `use_dpop_nonce` carries the `DPoP-Nonce` header too).
 */
const dpopRejection = (target: ChallengeTarget, algs: readonly string[], error: OAuthError): BearerResult => ({
  _tag: 'Rejected',
  response: json(
    401,
    { error: error.code, error_description: error.description },
    { ...noStore, ...(error.headers ?? {}), 'www-authenticate': dpopChallenge(target.realm, algs, error, target.resourceMetadata) },
  ),
});

/** An RFC 6750 §3.1 error as a response: the status of its code, the challenge, a JSON body with the same fields. */
const rejection = (target: ChallengeTarget, error: OAuthError, scope?: readonly string[]): BearerResult => ({
  _tag: 'Rejected',
  response: json(
    oauthErrorStatus[error.code],
    { error: error.code, error_description: error.description },
    { ...noStore, 'www-authenticate': bearerChallenge(target.realm, error, scope, target.resourceMetadata) },
  ),
});

const invalidToken = (description: string, detail: string): OAuthError => oauthError('invalid_token', description, { detail });

type Extracted = E.Either<OAuthError, O.Option<string>>;

/** The scheme of the `Authorization` header: RFC 9449 §7.1 `DPoP`, else Bearer (or none at all). */
const schemeOf = (req: HttpRequest): TokenScheme => (/^dpop(\s|$)/i.test(req.headers['authorization']?.trim() ?? '') ? 'DPoP' : 'Bearer');

/**
 * RFC 6750 §2.1: `Authorization: Bearer <b64token>`, or RFC 9449 §7.1 `Authorization: DPoP <b64token>` (schemes
 * case-insensitive); other schemes are not ours.
 */
const fromHeader = (req: HttpRequest): Extracted => {
  const header = req.headers['authorization'];
  if (header === undefined) return E.right(O.none);
  const match = /^(?:bearer|dpop)(?:\s+(.*))?$/i.exec(header.trim());
  if (match === null) return E.right(O.none);
  const value = match[1]?.trim() ?? '';
  return b64token.test(value) ? E.right(O.some(value)) : E.left(invalidRequest('The Authorization header is not a valid Bearer credential.', 'malformed bearer header'));
};

/**
 * The `access_token` parameter of form-encoded text, looking at that name only: the rest of a resource server's form
 * (repeated names, odd encodings) is not the bearer check's business. Repeated or undecodable `access_token` is
 * `invalid_request` (RFC 6750 §3.1).
 */
const accessTokenParam = (text: string | undefined): Extracted => {
  if (text === undefined) return E.left(invalidRequest('The request body is not valid UTF-8.', 'bearer body not UTF-8'));
  const values: string[] = [];
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (decodeFormComponent(eq < 0 ? part : part.slice(0, eq)) !== 'access_token') continue;
    const value = decodeFormComponent(eq < 0 ? '' : part.slice(eq + 1));
    if (value === undefined) return E.left(invalidRequest('The access_token parameter is malformed.', 'bad percent-encoding in access_token'));
    if (value !== '') values.push(value);
  }
  if (values.length > 1) return E.left(invalidRequest('The access_token parameter is repeated.', 'repeated access_token'));
  return E.right(O.fromNullable(values[0]));
};

/**
 * RFC 6750 §2.2: the `access_token` form parameter, only in a non-GET request whose content type is
 * `application/x-www-form-urlencoded`.
 */
const fromBody = (req: HttpRequest, allowed: boolean): Extracted => {
  if (!allowed || req.method === 'GET' || req.method === 'HEAD' || !isFormContentType(req.headers['content-type'])) return E.right(O.none);
  return req.body === undefined ? E.right(O.none) : accessTokenParam(utf8Decode(req.body));
};

/** RFC 6750 §2.3: the `access_token` query parameter, only when the resource server enables it. */
const fromQuery = (req: HttpRequest, allowed: boolean): Extracted => (allowed ? accessTokenParam(req.query) : E.right(O.none));

/**
 * RFC 6750 §2: finds the one access token of a request. "Clients MUST NOT use more than one method to transmit the
 * token in each request" — two methods is `invalid_request`.
 */
const extractBearerToken = (req: HttpRequest, options: BearerOptions = {}): E.Either<OAuthError, O.Option<string>> => {
  const found: string[] = [];
  for (const step of [fromHeader(req), fromBody(req, options.allowBody ?? true), fromQuery(req, options.allowQuery ?? false)]) {
    if (E.isLeft(step)) return step;
    if (O.isSome(step.right)) found.push(step.right.value);
  }
  if (found.length > 1) return E.left(invalidRequest('The access token was sent by more than one method.', `${found.length} bearer methods`));
  return E.right(O.fromNullable(found[0]));
};

const infoOf = (r: Parameters<typeof isActiveAccessToken>[0]): AccessTokenInfo => ({
  clientId: r.clientId,
  scope: r.scope,
  expiresAt: r.expiresAt,
  issuedAt: r.issuedAt,
  tokenId: r.id,
  format: r.format,
  ...optional('subject', r.subject),
  ...optional('audience', r.audience),
  ...optional('extra', r.extra),
});

/** The request a sender-constraint check judges: how the token came, the token, the URL the proof must name. */
export interface PresentedToken {
  readonly scheme: TokenScheme;
  readonly token: string;
  readonly url: string;
  readonly now: number;
}

/**
 * What the bearer check needs, whatever keeps the tokens: the server's own stores (`bearerCheck`) or a remote
 * authorization server reached over introspection or JWKS (`@grantor/node`'s remote verifier).
 */
export interface BearerCheckPorts {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Default `realm` (the issuer). */
  readonly realm: string;
  /** Default base of the request URL DPoP proofs name (`baseUrl` + request path), unless `options.url` is given. */
  readonly baseUrl: string;
  /** RFC 9449 §7.1 `algs` of the DPoP challenge. */
  readonly dpopAlgs: readonly string[];
  /** The token's record: `None` for an unknown, forged or inactive-at-source token; `Left` for a fault. */
  readonly find: (token: string) => TE.TaskEither<StoreError, O.Option<AccessTokenRecord>>;
  /** RFC 9449 §7: the sender constraint of the found record. */
  readonly senderConstraint: (req: HttpRequest, presented: PresentedToken, record: AccessTokenRecord) => TE.TaskEither<OAuthError, void>;
  /** Usage tracking: told of every token the check accepts (a sink; see `TokenUsageSink`). */
  readonly tokenUsage?: TokenUsageSink;
}

/**
 * RFC 6750 bearer-token validation over any token source (see `bearerCheck` for the rules). Never rejects.
 */
export const checkBearer =
  (deps: BearerCheckPorts) =>
  async (req: HttpRequest, options: BearerOptions = {}): Promise<BearerResult> => {
    const target: ChallengeTarget = { realm: options.realm ?? deps.realm, ...optional('resourceMetadata', options.resourceMetadata) };
    try {
      const extracted = extractBearerToken(req, options);
      if (E.isLeft(extracted)) return rejection(target, extracted.left);
      if (O.isNone(extracted.right)) {
        return { _tag: 'Rejected', response: empty(401, { ...noStore, 'www-authenticate': bearerChallenge(target.realm, undefined, undefined, target.resourceMetadata) }) };
      }
      const found = await deps.find(extracted.right.value)();
      if (E.isLeft(found)) {
        const error = fromStoreError(found.left);
        logError(deps.logger, 'bearer', error);
        // 503 `temporarily_unavailable` (or 500 `server_error`) with the challenge: never "valid" when the token's
        // source cannot answer, and the client learns where the resource's metadata is.
        return rejection(target, error);
      }
      const now = deps.clock.now();
      if (O.isNone(found.right)) return rejection(target, invalidToken('The access token is invalid.', 'unknown token'));
      const record = found.right.value;
      if (!isActiveAccessToken(record, now)) {
        return rejection(target, invalidToken('The access token is expired or revoked.', record.revokedAt === undefined ? 'expired' : 'revoked'));
      }
      if (options.audience !== undefined && record.audience?.includes(options.audience) !== true) {
        return rejection(target, invalidToken('The access token is not meant for this resource.', 'audience mismatch'));
      }
      const presented = { scheme: schemeOf(req), token: extracted.right.value, url: options.url ?? `${deps.baseUrl}${req.path}`, now };
      const constrained = await deps.senderConstraint(req, presented, record)();
      if (E.isLeft(constrained)) {
        const error = constrained.left;
        if (error.code === 'server_error' || error.code === 'temporarily_unavailable') return rejection(target, error);
        return dpopRejection(target, deps.dpopAlgs, error);
      }
      const required = options.requiredScopes ?? [];
      if (!isSubset(required, record.scope)) {
        return rejection(target, oauthError('insufficient_scope', 'The access token does not grant the required scope.'), required);
      }
      reportUse(deps, record.id, now);
      return { _tag: 'Authorized', auth: infoOf(record) };
    } catch (cause) {
      deps.logger.log('error', 'bearer: unexpected failure', { cause });
      return { _tag: 'Rejected', response: json(500, { error: 'server_error', error_description: 'The authorization server encountered an unexpected condition.' }) };
    }
  };

/**
 * `AuthorizationServer.bearer`: RFC 6750 bearer-token validation for resource servers (and userinfo).
 * - No token at all → 401 with `WWW-Authenticate: Bearer realm="…"` and no error code (§3.1).
 * - Malformed request or more than one method → 400 `invalid_request` (§3.1).
 * - Unknown, forged, expired or revoked token → 401 `invalid_token` (§3.1); JWT access tokens are verified locally
 *   (RFC 9068 §4) and then checked against their stored record (revocation). With `audience`, a token for another
 *   resource is `invalid_token` too (RFC 8707).
 * - RFC 9449 §7: a DPoP-bound token needs `Authorization: DPoP` and a proof for this request by its key (401 with a
 *   `DPoP` challenge otherwise, also for a bound token sent as Bearer).
 * - Missing one of `requiredScopes` → 403 `insufficient_scope` with the `scope` attribute (§3.1).
 * - With `resourceMetadata`, every challenge names the RFC 9728 metadata URL (§5.1).
 * Store faults (or an unreachable remote source) → 503 `temporarily_unavailable` / 500 `server_error` JSON with the
 * `Bearer` challenge carrying that error. Never rejects.
 */
export const bearerCheck = (deps: BearerPorts) =>
  checkBearer({
    clock: deps.clock,
    logger: deps.logger,
    realm: deps.config.issuer,
    baseUrl: deps.config.baseUrl,
    dpopAlgs: deps.config.dpop.signingAlgs,
    find: (token) => findAccessToken(deps, token),
    senderConstraint: (req, presented, record) => checkSenderConstraint(deps, req, presented, record),
    ...optional('tokenUsage', deps.tokenUsage),
  });
