import { json, type HttpResponse } from '../http/http-response.js';
import { optional } from '../domain/optional.js';

/** RFC 9728 §3: the well-known URI suffix of protected resource metadata. */
const wellKnownSuffix = '/.well-known/oauth-protected-resource';

/** What a protected resource says about itself (RFC 9728 §2). */
export interface ProtectedResourceOptions {
  /** §2 `resource`: the resource identifier (absolute `https` URL, no fragment), the audience its tokens carry. */
  readonly resource: string;
  /** §2 `authorization_servers`: issuer identifiers (RFC 8414) of the authorization servers it accepts tokens of. */
  readonly authorizationServers: readonly string[];
  /** §2 `scopes_supported`: the scopes a client may request for it. */
  readonly scopesSupported?: readonly string[];
  /** §2 `bearer_methods_supported`: how it accepts tokens (default: `header` only, plus what the bearer check allows). */
  readonly bearerMethodsSupported?: readonly ('header' | 'body' | 'query')[];
  /** §2 `dpop_signing_alg_values_supported`: when it accepts DPoP-bound tokens (RFC 9449). */
  readonly dpopSigningAlgs?: readonly string[];
  /** §2 `dpop_bound_access_tokens_required`. */
  readonly dpopBoundAccessTokensRequired?: boolean;
  /** §2 `resource_name`: human-readable name. */
  readonly resourceName?: string;
  /** §2 `resource_documentation`: URL of developer documentation. */
  readonly resourceDocumentation?: string;
}

/** The published metadata: where it lives and what it says. */
export interface ProtectedResourceMetadata {
  /** The absolute metadata URL (§3.1), the value of `resource_metadata` in challenges (§5.1). */
  readonly url: string;
  /** The path of `url` (what a router matches). */
  readonly path: string;
  /** The §2 JSON document. */
  readonly document: Readonly<Record<string, unknown>>;
}

/** Why an identifier cannot name protected resource metadata. */
export interface InvalidResource {
  readonly _tag: 'InvalidResource';
  readonly reason: string;
}

const invalid = (reason: string): InvalidResource => Object.freeze({ _tag: 'InvalidResource' as const, reason });
/** An absolute `http(s)` URL split into scheme, authority, path and query (RFC 3986 §3), no fragment allowed. */
const httpUrl = /^(https?):\/\/([^/?#@\s]+)([^?#\s]*)(\?[^#\s]*)?$/i;

/** The host of an authority (`host[:port]`, IPv6 in brackets). */
const hostOf = (authority: string): string => (authority.startsWith('[') ? authority.slice(0, authority.indexOf(']') + 1) : authority.replace(/:\d*$/, '')).toLowerCase();

const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** The path of a URL this module built (scheme and authority dropped, query dropped). */
const pathOf = (url: string): string => {
  const match = httpUrl.exec(url);
  return match === null ? '/' : (match[3] ?? '') || '/';
};

/**
 * RFC 9728 §3.1: the metadata URL of a resource identifier — `/.well-known/oauth-protected-resource` inserted between
 * the host and the path (a terminating `/` of the path removed), the query kept. §1.2: the identifier is an `https`
 * URL without fragment (`http` is accepted for loopback hosts only, for development).
 */
export const protectedResourceMetadataUrl = (resource: string): string | InvalidResource => {
  const match = httpUrl.exec(resource);
  if (match === null) return invalid(resource.includes('#') ? 'resource has a fragment' : 'resource is not an absolute http(s) URL');
  const [, scheme = '', authority = '', rawPath = '', query = ''] = match;
  if (scheme.toLowerCase() !== 'https' && !isLoopbackHost(hostOf(authority))) return invalid('resource is not an https URL');
  const path = rawPath.replace(/\/$/, '');
  return `${scheme.toLowerCase()}://${authority}${wellKnownSuffix}${path}${query}`;
};

/**
 * RFC 9728 §2: the protected resource metadata of a resource: `resource` (equal to the identifier the URL was built
 * from, §3.3), `authorization_servers`, `scopes_supported`, `bearer_methods_supported` and, with DPoP,
 * `dpop_signing_alg_values_supported` / `dpop_bound_access_tokens_required`.
 */
export const protectedResourceMetadata = (options: ProtectedResourceOptions): ProtectedResourceMetadata | InvalidResource => {
  const url = protectedResourceMetadataUrl(options.resource);
  if (typeof url !== 'string') return url;
  if (options.authorizationServers.length === 0) return invalid('authorizationServers is empty');
  if (options.authorizationServers.some((issuer) => !httpUrl.test(issuer))) return invalid('an authorization server is not an absolute URL');
  const dpop = options.dpopSigningAlgs !== undefined && options.dpopSigningAlgs.length > 0;
  const document = Object.freeze({
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    ...optional('scopes_supported', options.scopesSupported === undefined ? undefined : [...options.scopesSupported]),
    bearer_methods_supported: [...(options.bearerMethodsSupported ?? ['header'])],
    ...optional('resource_name', options.resourceName),
    ...optional('resource_documentation', options.resourceDocumentation),
    ...(dpop ? { dpop_signing_alg_values_supported: [...(options.dpopSigningAlgs ?? [])] } : {}),
    ...(dpop || options.dpopBoundAccessTokensRequired === true ? { dpop_bound_access_tokens_required: options.dpopBoundAccessTokensRequired ?? false } : {}),
  });
  return Object.freeze({ url, path: pathOf(url), document });
};

/**
 * RFC 9728 §3.2: the metadata response — 200 `application/json`, cacheable for an hour (the document only changes
 * with the deployment). A method other than GET/HEAD is 405 with `Allow`.
 */
export const protectedResourceMetadataResponse = (metadata: ProtectedResourceMetadata, method: string): HttpResponse =>
  method === 'GET' || method === 'HEAD'
    ? json(200, metadata.document, { 'cache-control': 'public, max-age=3600' })
    : json(405, { error: 'invalid_request', error_description: 'Only GET is allowed here.' }, { allow: 'GET, HEAD' });
