import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client, ClientAuthMethod } from '../domain/client.js';
import { formatScope, parseScope } from '../domain/scope.js';
import { optional } from '../domain/optional.js';
import { decodeClientMetadata } from './client-metadata.js';

/**
 * The client metadata of RFC 7591 registration and RFC 7592 updates: the policy checks a registration adds (RFC 8252
 * redirect URIs, the server's methods, grant types and scopes), then the one client-metadata codec
 * (`decodeClientMetadata`) for the shape. Identifiers and secrets are the server's: any `client_id`,
 * `client_secret` or registration member the request carries is ignored.
 */

/** What a registration may ask for. */
export interface RegistrationPolicy {
  readonly scopes: readonly string[];
  readonly grantTypes: readonly string[];
  readonly authMethods: readonly ClientAuthMethod[];
}

/** RFC 7591 §3.2.2 error codes. */
export interface MetadataError {
  readonly code: 'invalid_redirect_uri' | 'invalid_client_metadata';
  readonly description: string;
}

const metadataError = (description: string): MetadataError => ({ code: 'invalid_client_metadata', description });
const redirectError = (description: string): MetadataError => ({ code: 'invalid_redirect_uri', description });

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const forbiddenSchemes: readonly string[] = ['javascript', 'data', 'file', 'vbscript', 'about', 'blob', 'filesystem'];

/** Loopback interface redirect (RFC 8252 §7.3): `http` to 127.0.0.1, [::1] or localhost, any port. */
const loopbackHttp = /^http:\/\/(127\.0\.0\.1|\[::1\]|localhost)(:\d{1,5})?([/?]|$)/i;

/**
 * Why a redirect URI may not be registered (`undefined`: it may). RFC 6749 §3.1.2: absolute, no fragment; RFC 8252:
 * `https` for web and claimed-HTTPS native redirects (§7.2), `http` only on the loopback interface (§7.3), private-use
 * schemes only as a reverse domain name (§7.1: a scheme with a period), never a script or local-content scheme.
 */
export const redirectUriProblem = (uri: string): string | undefined => {
  if (uri.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$/.test(uri) || uri.length > 2048) return 'must be an absolute URI';
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  if (scheme === 'https') return /^https:\/\/[^\s/?#@]+/i.test(uri) ? undefined : 'must name a host';
  if (scheme === 'http') return loopbackHttp.test(uri) ? undefined : 'http is allowed only on the loopback interface (RFC 8252 §7.3); use https';
  if (forbiddenSchemes.includes(scheme)) return `the ${scheme} scheme is not allowed`;
  return scheme.includes('.') ? undefined : 'a private-use scheme must be a reverse domain name such as com.example.app (RFC 8252 §7.1)';
};

const uriList = (m: Readonly<Record<string, unknown>>, key: string): E.Either<MetadataError, readonly string[] | undefined> => {
  const v = m[key];
  if (v === undefined) return E.right(undefined);
  if (!Array.isArray(v) || !v.every((u) => typeof u === 'string')) return E.left(redirectError(`${key} must be an array of URIs`));
  for (const uri of v as string[]) {
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) return E.left(redirectError(`${key}: ${JSON.stringify(uri.slice(0, 200))} ${problem}`));
  }
  return E.right(v as string[]);
};

const stringList = (m: Readonly<Record<string, unknown>>, key: string): E.Either<MetadataError, readonly string[] | undefined> => {
  const v = m[key];
  if (v === undefined) return E.right(undefined);
  return Array.isArray(v) && v.every((u) => typeof u === 'string' && u !== '') ? E.right(v as string[]) : E.left(metadataError(`${key} must be an array of strings`));
};

const within = (key: string, values: readonly string[], allowed: readonly string[]): E.Either<MetadataError, readonly string[]> => {
  const bad = values.find((v) => !allowed.includes(v));
  return bad === undefined ? E.right(values) : E.left(metadataError(`${key}: ${JSON.stringify(bad.slice(0, 100))} is not supported`));
};

const secretMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/** True when a client registered with `method` is given a `client_secret` (RFC 7591 §3.2.1). */
const usesClientSecret = (method: ClientAuthMethod): boolean => secretMethods.includes(method);

/**
 * RFC 7591 §2 / §3.2.2: decodes registration metadata into a `Client` with the server's `clientId` and, for the
 * secret methods, `secret` (hashed with `hash`). Defaults: `token_endpoint_auth_method` `client_secret_basic`,
 * `grant_types` `["authorization_code"]`, `response_types` `["code"]` with the code grant (else none), `scope` every
 * scope the policy allows. A bad redirect URI is `invalid_redirect_uri`; anything else `invalid_client_metadata`.
 */
export const decodeRegistrationMetadata = (
  input: unknown,
  policy: RegistrationPolicy,
  assigned: { readonly clientId: string; readonly secret: string },
  hash: (secret: string) => string,
): E.Either<MetadataError, { readonly client: Client; readonly secret?: string }> => {
  if (!isRecord(input)) return E.left(metadataError('The client metadata must be a JSON object.'));
  const m = input;
  return pipe(
    E.Do,
    E.bind('redirectUris', () => uriList(m, 'redirect_uris')),
    E.bind('postLogoutRedirectUris', () => uriList(m, 'post_logout_redirect_uris')),
    E.bind('method', () => {
      const v = m['token_endpoint_auth_method'] ?? 'client_secret_basic';
      return typeof v === 'string' && (policy.authMethods as readonly string[]).includes(v)
        ? E.right(v as ClientAuthMethod)
        : E.left(metadataError(`token_endpoint_auth_method must be one of ${policy.authMethods.join(', ')}`));
    }),
    E.bind('grantTypes', () => E.flatMap(stringList(m, 'grant_types'), (g) => within('grant_types', g ?? ['authorization_code'], policy.grantTypes))),
    E.bind('responseTypes', ({ grantTypes }) =>
      E.flatMap(stringList(m, 'response_types'), (r) => within('response_types', r ?? (grantTypes.includes('authorization_code') ? ['code'] : []), ['code'])),
    ),
    E.bind('scope', () => {
      const raw = m['scope'];
      if (raw === undefined) return E.right(policy.scopes);
      const parsed = typeof raw === 'string' ? parseScope(raw) : undefined;
      return parsed === undefined ? E.left(metadataError('scope must be a space-separated list of scopes')) : within('scope', parsed, policy.scopes);
    }),
    E.tap(({ method, grantTypes, responseTypes }) => {
      if (method === 'none' && grantTypes.includes('client_credentials')) return E.left(metadataError('client_credentials needs a confidential client (RFC 6749 §4.4)'));
      if (responseTypes.includes('code') !== grantTypes.includes('authorization_code')) {
        return E.left(metadataError('response_types code and grant_types authorization_code go together (RFC 7591 §2.1)'));
      }
      if (m['jwks_uri'] !== undefined) return E.left(metadataError('jwks_uri is not accepted at registration; register the keys by value (jwks)'));
      return E.right(undefined);
    }),
    E.flatMap((d) => {
      const secret = usesClientSecret(d.method) ? assigned.secret : undefined;
      const metadata = {
        client_id: assigned.clientId,
        ...optional('client_secret', secret),
        ...optional('client_name', m['client_name']),
        ...optional('redirect_uris', d.redirectUris),
        ...optional('post_logout_redirect_uris', d.postLogoutRedirectUris),
        grant_types: d.grantTypes,
        response_types: d.responseTypes,
        scope: formatScope(d.scope),
        token_endpoint_auth_method: d.method,
        ...optional('jwks', m['jwks']),
      };
      return pipe(
        decodeClientMetadata(metadata, hash),
        E.mapLeft((message) => (message.startsWith('redirect_uris') || message.startsWith('post_logout') ? redirectError(message) : metadataError(message))),
        E.map((client) => ({ client, ...optional('secret', secret) })),
      );
    }),
  );
};

/** RFC 7591 §3.2.1: a software statement used at registration is returned unmodified, with what it asserted. */
const softwareMembers = (client: Client): Readonly<Record<string, string>> =>
  Object.fromEntries(
    (['software_statement', 'software_id', 'software_version'] as const).flatMap((k) => (typeof client.metadata?.[k] === 'string' ? [[k, client.metadata[k] as string]] : [])),
  );

/** RFC 7591 §3.2.1 / RFC 7592 §3: the registered metadata of `client` as the JSON members the responses echo. */
export const registeredMetadata = (client: Client): Readonly<Record<string, unknown>> => ({
  client_id: client.clientId,
  ...optional('client_name', client.clientName),
  redirect_uris: client.redirectUris,
  ...(client.postLogoutRedirectUris.length === 0 ? {} : { post_logout_redirect_uris: client.postLogoutRedirectUris }),
  grant_types: client.grantTypes,
  response_types: client.responseTypes,
  scope: formatScope(client.scope),
  token_endpoint_auth_method: client.tokenEndpointAuthMethod,
  ...optional('jwks', client.jwks),
  ...optional('client_id_issued_at', client.registration?.registeredAt),
  ...softwareMembers(client),
});

