import { clientSecretJwtAlgorithms, privateKeyJwtAlgorithms } from '../client-auth/assertion.js';
import type { ClientAuthMethod } from '../domain/client.js';
import { json, type HttpResponse } from '../http/http-response.js';
import type { SigningAlg } from '../ports/keys.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import { standardClaims } from './userinfo.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { OAuthError } from '../errors/oauth-error.js';
import type { ScopeDefinition } from '../ports/registry.js';

export interface DiscoveryOptions {
  /** Client authentication methods the token endpoint accepts. Default: basic, post, private_key_jwt, none. */
  readonly tokenEndpointAuthMethods?: readonly ClientAuthMethod[];
  /** Algorithms the server signs ID tokens with (`Signer.algorithms()`); RS256 is always listed first. */
  readonly idTokenSigningAlgs: readonly SigningAlg[];
  /** RFC 9701 §7 `introspection_signing_alg_values_supported`: algorithms of JWT introspection responses (omitted when absent). */
  readonly introspectionSigningAlgs?: readonly SigningAlg[];
  /** `claims_supported` (default: `sub` and the OpenID Connect Core §5.4 standard claims). */
  readonly claimsSupported?: readonly string[];
  /** Route paths that exist: an endpoint whose route is not registered is not advertised (default: all). */
  readonly hasRoute?: (path: string) => boolean;
  /** Client ID metadata documents are fetched for URL client ids (draft-ietf-oauth-client-id-metadata-document-02 §6). */
  readonly clientIdMetadataDocuments?: boolean;
  /** `scopes_supported` (RFC 8414 §2): the scope registry's names (default: `config.scopesSupported`). */
  readonly scopesSupported?: readonly string[];
}

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const defaultAuthMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

const issuerParts = (issuer: string): { readonly origin: string; readonly path: string } => {
  const m = /^(https?:\/\/[^/?#]+)(\/[^?#]*)?$/i.exec(issuer);
  const path = m?.[2] ?? '';
  return { origin: m?.[1] ?? issuer, path: path === '/' ? '' : path.replace(/\/$/, '') };
};

/**
 * Where the metadata is published. OpenID Connect Discovery §4.1: `{issuer}/.well-known/openid-configuration`.
 * RFC 8414 §3.1: `/.well-known/oauth-authorization-server` is inserted between the host and the issuer's path, so
 * both coincide in shape when the issuer has no path.
 */
const discoveryUrls = (config: ServerConfig): { readonly openid: string; readonly oauth: string } => {
  const { origin, path } = issuerParts(config.issuer);
  return { openid: `${origin}${path}/.well-known/openid-configuration`, oauth: `${origin}/.well-known/oauth-authorization-server${path}` };
};

/**
 * RFC 8414 §2 / OpenID Connect Discovery §3 metadata, generated from the live configuration: every endpoint is
 * `baseUrl + route`; grant types are the enabled ones; PKCE lists `plain` only when allowed (RFC 9700 §2.1.1);
 * RFC 9207 `authorization_response_iss_parameter_supported`; the device endpoint only with the device grant; RFC 9126
 * §5 PAR metadata when its endpoint is mounted; RFC 9449 §5.1 DPoP algorithms; `client_id_metadata_document_supported`
 * (draft-ietf-oauth-client-id-metadata-document-02 §6) when metadata documents are fetched; RFC 9101 request objects.
 */
export const discoveryMetadata = (config: ServerConfig, options: DiscoveryOptions): Readonly<Record<string, unknown>> => {
  const has = options.hasRoute ?? (() => true);
  const url = (path: string): string | undefined => (has(path) ? `${config.baseUrl}${path}` : undefined);
  const endpoint = <K extends string>(key: K, path: string): { [P in K]?: string } => {
    const u = url(path);
    return u === undefined ? {} : ({ [key]: u } as { [P in K]: string });
  };
  const authMethods = options.tokenEndpointAuthMethods ?? defaultAuthMethods;
  const signingAlgs = [
    ...(authMethods.includes('private_key_jwt') ? privateKeyJwtAlgorithms : []),
    ...(authMethods.includes('client_secret_jwt') ? clientSecretJwtAlgorithms : []),
  ];
  const confidentialMethods = authMethods.filter((m) => m !== 'none');
  const r = config.routes;
  return {
    issuer: config.issuer,
    ...endpoint('authorization_endpoint', r.authorization),
    ...endpoint('token_endpoint', r.token),
    ...endpoint('userinfo_endpoint', r.userinfo),
    ...endpoint('jwks_uri', r.jwks),
    ...endpoint('introspection_endpoint', r.introspection),
    ...endpoint('revocation_endpoint', r.revocation),
    ...(config.grantTypes.includes(deviceGrant) ? endpoint('device_authorization_endpoint', r.deviceAuthorization) : {}),
    ...endpoint('end_session_endpoint', r.endSession),
    ...(config.registration.mode === 'closed' ? {} : endpoint('registration_endpoint', r.registration)),
    ...endpoint('pushed_authorization_request_endpoint', r.pushedAuthorization),
    // RFC 9126 §5: advertised with the endpoint; RFC 9449 §5.1: proofs are accepted whenever a client sends one.
    ...(has(r.pushedAuthorization) ? { require_pushed_authorization_requests: config.par.required } : {}),
    dpop_signing_alg_values_supported: config.dpop.signingAlgs,
    scopes_supported: options.scopesSupported ?? config.scopesSupported,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: config.grantTypes,
    code_challenge_methods_supported: config.pkce.allowPlain ? ['S256', 'plain'] : ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    ...(signingAlgs.length === 0 ? {} : { token_endpoint_auth_signing_alg_values_supported: signingAlgs }),
    introspection_endpoint_auth_methods_supported: confidentialMethods,
    ...(signingAlgs.length === 0 ? {} : { introspection_endpoint_auth_signing_alg_values_supported: signingAlgs }),
    ...(options.introspectionSigningAlgs === undefined || options.introspectionSigningAlgs.length === 0 || !has(r.introspection)
      ? {}
      : { introspection_signing_alg_values_supported: options.introspectionSigningAlgs }),
    revocation_endpoint_auth_methods_supported: authMethods,
    ...(signingAlgs.length === 0 ? {} : { revocation_endpoint_auth_signing_alg_values_supported: signingAlgs }),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', ...options.idTokenSigningAlgs.filter((a) => a !== 'RS256')],
    claims_supported: options.claimsSupported ?? standardClaims,
    claims_parameter_supported: false,
    // RFC 9101 §10.5 / OpenID Connect Discovery §3: signed request objects by value; `request_uri` only from PAR.
    request_parameter_supported: has(r.authorization),
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: config.requestObjects.signingAlgs,
    require_signed_request_object: config.requestObjects.required,
    authorization_response_iss_parameter_supported: true,
    ...(options.clientIdMetadataDocuments === true ? { client_id_metadata_document_supported: true } : {}),
  };
};

/** A route path under `baseUrl` for an absolute URL, when it is under it. */
const under = (baseUrl: string, absolute: string): string | undefined =>
  absolute.startsWith(`${baseUrl}/`) ? absolute.slice(baseUrl.length) : undefined;

/**
 * The discovery routes, both serving the same document (GET, HEAD): OpenID Connect Discovery §4 and RFC 8414 §3.
 * Route paths are relative to `baseUrl`; when the RFC 8414 location (at the issuer's origin) is outside `baseUrl`,
 * the host serves `discoveryMetadata` there itself, and `{baseUrl}/.well-known/oauth-authorization-server` is served
 * as a fallback.
 */
export const discoveryRoutes = ({
  config,
  metadata: options,
  scopes,
}: {
  readonly config: ServerConfig;
  readonly metadata: () => DiscoveryOptions;
  /** The scope registry, read on every request (a failed read falls back to `config.scopesSupported`). */
  readonly scopes?: () => TaskEither<OAuthError, readonly ScopeDefinition[]>;
}): readonly Route[] => {
  const urls = discoveryUrls(config);
  const paths = [
    under(config.baseUrl, urls.openid) ?? '/.well-known/openid-configuration',
    under(config.baseUrl, urls.oauth) ?? '/.well-known/oauth-authorization-server',
  ];
  const handle = async (): Promise<HttpResponse> => {
    const registered = scopes === undefined ? undefined : await scopes()();
    const scopesSupported = registered?._tag === 'Right' ? { scopesSupported: registered.right.map((s) => s.name) } : {};
    return json(200, discoveryMetadata(config, { ...options(), ...scopesSupported }), { 'cache-control': 'public, max-age=300' });
  };
  return [...new Set(paths)].map((path) => ({ path, methods: ['GET', 'HEAD'], handle }));
};
