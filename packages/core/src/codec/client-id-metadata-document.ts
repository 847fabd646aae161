import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client, ClientAuthMethod } from '../domain/client.js';
import { optional } from '../domain/optional.js';
import { formatScope, parseScope } from '../domain/scope.js';
import { decodeClientMetadata } from './client-metadata.js';
import { redirectUriProblem } from './registration-metadata.js';

/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-02): a client whose `client_id`
 * is an https URL publishes its metadata at that URL. This module is the pure half: which client ids are such URLs
 * (§3) and what a fetched document must say (§4, §8.1) before it is a `Client`. Fetching is the host's port.
 */

/** What a metadata document may ask for (the server's scopes and grant types; the methods without a shared secret). */
export interface MetadataDocumentPolicy {
  readonly scopes: readonly string[];
  readonly grantTypes: readonly string[];
  readonly authMethods: readonly ClientAuthMethod[];
}

/** §4: no shared secret can be established with a document, so only these methods (and never a `client_secret`). */
const documentAuthMethods: readonly ClientAuthMethod[] = ['none', 'private_key_jwt'];

const loopbackHost = /^(?:127(?:\.\d{1,3}){3}|\[::1\]|localhost)(?::\d{1,5})?$/i;
const urlShape = /^(https?):\/\/([^/?#@\s\\]+)(\/[^?#\s\\]*)(\?[^#\s]*)?$/;

/**
 * §3 (Client Identifier URL): `https`, a host, a path component, no fragment, no user information, no `.` or `..`
 * path segment (also percent-encoded), printable ASCII, at most 2,048 characters. A query is allowed (§3 says
 * SHOULD NOT). `http` on a loopback host (`127.x.x.x`, `[::1]`, `localhost`) passes here for local testing only: the
 * host's fetcher refuses plain http unless it was configured to allow loopback. `undefined` means the id is such a
 * URL; otherwise the reason it is not.
 */
export const clientIdUrlProblem = (clientId: string): string | undefined => {
  if (clientId.length > 2048 || !/^[\x21-\x7e]+$/.test(clientId)) return 'must be printable ASCII of at most 2048 characters';
  const m = urlShape.exec(clientId);
  if (m === null) return 'must be an https URL with a host and a path, without fragment or user information';
  const [, scheme = '', host = '', path = ''] = m;
  if (scheme === 'http' && !loopbackHost.test(host)) return 'must use https';
  if (path === '/') return 'must have a path component';
  const segments = path.split('/').map((s) => s.toLowerCase().replaceAll('%2e', '.'));
  if (segments.some((s) => s === '.' || s === '..')) return 'must not contain . or .. path segments';
  return undefined;
};

/** Whether `clientId` names its own metadata document (an http(s) URL by its shape; §3 is checked in full on use). */
export const isClientIdUrl = (clientId: string): boolean => /^https?:\/\//i.test(clientId);

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const stringList = (m: Readonly<Record<string, unknown>>, key: string, fallback: readonly string[]): E.Either<string, readonly string[]> => {
  const v = m[key];
  if (v === undefined) return E.right(fallback);
  return Array.isArray(v) && v.every((u) => typeof u === 'string' && u !== '') ? E.right(v as string[]) : E.left(`${key}: must be an array of strings`);
};

const within = (key: string, values: readonly string[], allowed: readonly string[]): E.Either<string, readonly string[]> => {
  const bad = values.find((v) => !allowed.includes(v));
  return bad === undefined ? E.right(values) : E.left(`${key}: ${JSON.stringify(bad.slice(0, 100))} is not supported`);
};

/**
 * draft-ietf-oauth-client-id-metadata-document-02 §4 and §8.1: a fetched document becomes a `Client` when its
 * `client_id` equals `url` by simple string comparison (RFC 3986 §6.2.1, no normalisation); it carries no
 * `client_secret` or `client_secret_expires_at`; its `token_endpoint_auth_method` is `none` (the default here) or
 * `private_key_jwt` with `jwks` or `jwks_uri`; its redirect URIs pass the registration rules (RFC 8252) and are the
 * only ones the client gets; grant types and scopes are within `policy` (scope defaults to every scope it allows).
 * The rest is the one client-metadata codec (`decodeClientMetadata`). A failure is a message naming the member.
 */
export const decodeClientIdMetadataDocument = (url: string, document: unknown, policy: MetadataDocumentPolicy): E.Either<string, Client> => {
  const urlProblem = clientIdUrlProblem(url);
  if (urlProblem !== undefined) return E.left(`client_id: ${urlProblem}`);
  if (!isRecord(document)) return E.left('(root): the metadata document must be a JSON object');
  const m = document;
  if (m['client_id'] !== url) return E.left('client_id: must equal the URL of the metadata document exactly');
  if (m['client_secret'] !== undefined || m['client_secret_expires_at'] !== undefined) return E.left('client_secret: a metadata document must not carry a shared secret');
  return pipe(
    E.Do,
    E.bind('method', () => {
      const v = m['token_endpoint_auth_method'] ?? 'none';
      const allowed = documentAuthMethods.filter((x) => policy.authMethods.includes(x));
      return typeof v === 'string' && (allowed as readonly string[]).includes(v)
        ? E.right(v as ClientAuthMethod)
        : E.left(`token_endpoint_auth_method: must be one of ${allowed.join(', ')} (no shared secrets with a metadata document)`);
    }),
    E.bind('redirectUris', () =>
      E.flatMap(stringList(m, 'redirect_uris', []), (uris) => {
        const bad = uris.map((u) => [u, redirectUriProblem(u)] as const).find(([, problem]) => problem !== undefined);
        return bad === undefined ? E.right(uris) : E.left(`redirect_uris: ${JSON.stringify(bad[0].slice(0, 200))} ${bad[1] ?? ''}`);
      }),
    ),
    E.bind('grantTypes', () => E.flatMap(stringList(m, 'grant_types', ['authorization_code']), (g) => within('grant_types', g, policy.grantTypes))),
    E.bind('scope', () => {
      const raw = m['scope'];
      if (raw === undefined) return E.right(policy.scopes);
      const parsed = typeof raw === 'string' ? parseScope(raw) : undefined;
      return parsed === undefined ? E.left('scope: must be a space-separated list of scopes') : within('scope', parsed, policy.scopes);
    }),
    E.tap(({ method, grantTypes }) =>
      method === 'none' && grantTypes.includes('client_credentials') ? E.left('grant_types: client_credentials needs a confidential client (RFC 6749 §4.4)') : E.right(undefined),
    ),
    E.flatMap((d) =>
      decodeClientMetadata(
        {
          client_id: url,
          ...optional('client_name', m['client_name']),
          redirect_uris: d.redirectUris,
          ...optional('post_logout_redirect_uris', m['post_logout_redirect_uris']),
          grant_types: d.grantTypes,
          ...optional('response_types', m['response_types']),
          scope: formatScope(d.scope),
          token_endpoint_auth_method: d.method,
          ...optional('jwks', m['jwks']),
          ...optional('jwks_uri', m['jwks_uri']),
          ...optional('require_pushed_authorization_requests', m['require_pushed_authorization_requests']),
          ...optional('dpop_bound_access_tokens', m['dpop_bound_access_tokens']),
        },
        () => '',
      ),
    ),
  );
};
