import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client, ClientAuthMethod, ClientSecretHash, PublicJwk } from '../domain/client.js';
import { parseScope } from '../domain/scope.js';
import { isAbsoluteHttpUrl } from './config.js';
import { optional } from '../domain/optional.js';
import { hasControlCharacter } from '../http/form-urlencoded.js';

/** RFC 7591 §2 client metadata (the members Grantor reads; any other member is ignored). */
export interface ClientMetadata {
  readonly client_id: string;
  /** The clear secret; only its hash is kept in the resulting `Client`. */
  readonly client_secret?: string;
  /** RFC 7591 §3.2.1: epoch seconds after which the secret expires; 0 or absent = never. */
  readonly client_secret_expires_at?: number;
  readonly client_name?: string;
  readonly redirect_uris?: readonly string[];
  readonly post_logout_redirect_uris?: readonly string[];
  readonly grant_types?: readonly string[];
  readonly response_types?: readonly string[];
  /** Space-separated scopes the client may be granted (RFC 7591 §2 `scope`). */
  readonly scope?: string;
  readonly token_endpoint_auth_method?: ClientAuthMethod;
  readonly jwks?: { readonly keys: readonly PublicJwk[] };
  readonly jwks_uri?: string;
  readonly access_token_format?: 'opaque' | 'jwt';
  /** Grantor's member: web origins allowed to call the token and related endpoints from a browser (CORS). */
  readonly allowed_cors_origins?: readonly string[];
  /** RFC 9126 §6. */
  readonly require_pushed_authorization_requests?: boolean;
  /** RFC 9449 §5.2. */
  readonly dpop_bound_access_tokens?: boolean;
  /** RFC 9101 §10.5. */
  readonly require_signed_request_object?: boolean;
}

const authMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'];
/** The members read as text; unknown members are ignored (RFC 7591 §2), control characters in them included. */
const textMembers = ['client_id', 'client_secret', 'client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'response_types', 'scope', 'token_endpoint_auth_method', 'jwks_uri'] as const;
const secretMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);
const isString = (u: unknown): u is string => typeof u === 'string';
const isBoolean = (u: unknown): u is boolean => typeof u === 'boolean';
const isNonEmptyString = (u: unknown): u is string => typeof u === 'string' && u.length > 0;

type Check<A> = E.Either<string, A>;

/** A metadata member that may be absent (`fallback`), else must pass `check`. */
const memberOr = <A>(m: Readonly<Record<string, unknown>>, key: string, fallback: A, check: (u: unknown) => u is A, expected: string): Check<A> => {
  const v = m[key];
  if (v === undefined) return E.right(fallback);
  return check(v) ? E.right(v) : E.left(`${key}: must be ${expected}`);
};

const stringArray = (u: unknown): u is readonly string[] => Array.isArray(u) && u.every(isNonEmptyString);

/** RFC 6749 §3.1.2: redirection URIs are absolute, without fragment. Custom schemes (native apps, RFC 8252) allowed. */
const isRedirectUri = (u: string): boolean => /^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s#]+$/.test(u) && (!/^https?:/i.test(u) || /^https?:\/\/[^\s/?#]+/i.test(u));

/** RFC 6454 §6.2 serialised origin of an http(s) URL: scheme, host, optional port, nothing else. */
const isOrigin = (u: string): boolean => /^https?:\/\/[^\s/?#@]+$/i.test(u);

const isJwks = (u: unknown): u is { readonly keys: readonly PublicJwk[] } =>
  isRecord(u) && Array.isArray(u['keys']) && u['keys'].every((k) => isRecord(k) && isNonEmptyString(k['kty']) && k['d'] === undefined);

/**
 * The first known text member (a string, or a string inside an array) holding a control character, which no RFC 6749 Appendix A
 * value and no URI may contain; such values never reach a store.
 */
const memberWithControlCharacter = (m: Readonly<Record<string, unknown>>): string | undefined =>
  textMembers.find((key) => {
    const v = m[key];
    return isString(v) ? hasControlCharacter(v) : Array.isArray(v) && v.some((e) => isString(e) && hasControlCharacter(e));
  });

/**
 * Decodes RFC 7591 §2 client metadata into a `Client`, hashing `client_secret` with `hash` (only the hash is kept).
 * Defaults per RFC 7591 §2: `grant_types` `["authorization_code"]`, `response_types` `["code"]`,
 * `token_endpoint_auth_method` `client_secret_basic`; `scope` defaults to none. Unknown members are ignored.
 * A failure is a message naming the member.
 */
export const decodeClientMetadata = (input: unknown, hash: (secret: string) => string): E.Either<string, Client> => {
  if (!isRecord(input)) return E.left('(root): client metadata must be an object');
  const m = input;
  const controlled = memberWithControlCharacter(m);
  if (controlled !== undefined) return E.left(`${controlled}: must not contain control characters (RFC 6749 Appendix A)`);
  return pipe(
    E.Do,
    E.bind('clientId', () => (isNonEmptyString(m['client_id']) ? E.right(m['client_id']) : E.left('client_id: must be a non-empty string'))),
    E.bind('secret', () => memberOr<string | undefined>(m, 'client_secret', undefined, isNonEmptyString, 'a non-empty string')),
    E.bind('secretExpiresAt', () =>
      memberOr<number>(m, 'client_secret_expires_at', 0, (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0, 'a non-negative integer'),
    ),
    E.bind('clientName', () => memberOr<string | undefined>(m, 'client_name', undefined, isString, 'a string')),
    E.bind('redirectUris', () =>
      E.flatMap(memberOr<readonly string[]>(m, 'redirect_uris', [], stringArray, 'an array of URIs'), (uris) =>
        uris.every(isRedirectUri) ? E.right(uris) : E.left('redirect_uris: every entry must be an absolute URI without fragment'),
      ),
    ),
    E.bind('postLogoutRedirectUris', () =>
      E.flatMap(memberOr<readonly string[]>(m, 'post_logout_redirect_uris', [], stringArray, 'an array of URIs'), (uris) =>
        uris.every(isRedirectUri) ? E.right(uris) : E.left('post_logout_redirect_uris: every entry must be an absolute URI without fragment'),
      ),
    ),
    E.bind('grantTypes', () => memberOr<readonly string[]>(m, 'grant_types', ['authorization_code'], stringArray, 'an array of strings')),
    E.bind('responseTypes', () => memberOr<readonly string[]>(m, 'response_types', ['code'], stringArray, 'an array of strings')),
    E.bind('scope', () =>
      E.flatMap(memberOr<string>(m, 'scope', '', isString, 'a space-separated string'), (raw) => {
        const parsed = parseScope(raw);
        return parsed === undefined ? E.left('scope: must be space-separated scope tokens (RFC 6749 §3.3)') : E.right(parsed);
      }),
    ),
    E.bind('method', () =>
      memberOr<ClientAuthMethod>(m, 'token_endpoint_auth_method', 'client_secret_basic', (u): u is ClientAuthMethod => authMethods.includes(u as ClientAuthMethod), `one of ${authMethods.join(', ')}`),
    ),
    E.bind('jwks', () => memberOr<Client['jwks']>(m, 'jwks', undefined, isJwks, 'a JWK Set of public keys ({"keys": [...]})')),
    E.bind('jwksUri', () =>
      memberOr<string | undefined>(m, 'jwks_uri', undefined, (u): u is string => isString(u) && isAbsoluteHttpUrl(u), 'an absolute http(s) URL'),
    ),
    E.bind('accessTokenFormat', () =>
      memberOr<'opaque' | 'jwt' | undefined>(m, 'access_token_format', undefined, (u): u is 'opaque' | 'jwt' => u === 'opaque' || u === 'jwt', "'opaque' or 'jwt'"),
    ),
    E.bind('allowedCorsOrigins', () =>
      E.flatMap(memberOr<readonly string[] | undefined>(m, 'allowed_cors_origins', undefined, stringArray, 'an array of origins'), (origins) =>
        origins === undefined || origins.every(isOrigin) ? E.right(origins) : E.left('allowed_cors_origins: every entry must be an origin (scheme://host[:port], RFC 6454)'),
      ),
    ),
    E.bind('requirePar', () => memberOr<boolean>(m, 'require_pushed_authorization_requests', false, isBoolean, 'a boolean')),
    E.bind('dpopBound', () => memberOr<boolean>(m, 'dpop_bound_access_tokens', false, isBoolean, 'a boolean')),
    E.bind('requireJar', () => memberOr<boolean>(m, 'require_signed_request_object', false, isBoolean, 'a boolean')),
    E.flatMap((d) => {
      if (secretMethods.includes(d.method) && d.secret === undefined) return E.left(`client_secret: required for token_endpoint_auth_method ${d.method}`);
      if (d.method === 'client_secret_jwt' && d.secret === undefined) {
        return E.left('client_secret: required for token_endpoint_auth_method client_secret_jwt (the HMAC key, RFC 7523 §2.2)');
      }
      if ((d.method === 'none' || d.method === 'private_key_jwt') && d.secret !== undefined) {
        return E.left(`client_secret: not allowed for token_endpoint_auth_method ${d.method}`);
      }
      if (d.method === 'private_key_jwt' && d.jwks === undefined && d.jwksUri === undefined) {
        return E.left('jwks: jwks or jwks_uri required for token_endpoint_auth_method private_key_jwt');
      }
      if (d.jwks !== undefined && d.jwksUri !== undefined) return E.left('jwks_uri: must not be used together with jwks (RFC 7591 §2)');
      if (d.grantTypes.includes('authorization_code') && d.redirectUris.length === 0) return E.left('redirect_uris: required for the authorization_code grant');
      const secretHashes: readonly ClientSecretHash[] =
        d.secret === undefined ? [] : [d.secretExpiresAt === 0 ? { hash: hash(d.secret) } : { hash: hash(d.secret), expiresAt: d.secretExpiresAt }];
      const client: Client = {
        clientId: d.clientId,
        ...optional('clientName', d.clientName),
        secretHashes,
        redirectUris: d.redirectUris,
        postLogoutRedirectUris: d.postLogoutRedirectUris,
        grantTypes: d.grantTypes,
        responseTypes: d.responseTypes,
        scope: d.scope,
        tokenEndpointAuthMethod: d.method,
        ...optional('jwks', d.jwks),
        ...optional('jwksUri', d.jwksUri),
        ...optional('accessTokenFormat', d.accessTokenFormat),
        ...optional('allowedCorsOrigins', d.allowedCorsOrigins),
        ...(d.requirePar ? { requirePushedAuthorizationRequests: true } : {}),
        ...(d.dpopBound ? { dpopBoundAccessTokens: true } : {}),
        ...(d.requireJar ? { requireSignedRequestObject: true } : {}),
      };
      return E.right(client);
    }),
  );
};

/**
 * The clear secret a `client_secret_jwt` client signs its assertions with (RFC 7523 §2.2, HMAC): the metadata's
 * `client_secret` when `token_endpoint_auth_method` is `client_secret_jwt`, else `undefined`. The host hands it to a
 * `ClientSecretJwtKeyStore` (`decodeClientMetadata` keeps only its hash in the `Client`).
 */
export const clientSecretJwtKeyOf = (input: unknown): string | undefined => {
  if (!isRecord(input) || input['token_endpoint_auth_method'] !== 'client_secret_jwt') return undefined;
  const secret = input['client_secret'];
  return isNonEmptyString(secret) ? secret : undefined;
};

/** {@link decodeClientMetadata} for seeding at startup: throws a `TypeError` naming the member. */
export const clientFromMetadata = (input: unknown, hash: (secret: string) => string): Client => {
  const r = decodeClientMetadata(input, hash);
  if (E.isLeft(r)) throw new TypeError(`Invalid client metadata: ${r.left}`);
  return r.right;
};
