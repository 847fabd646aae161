import { isRegisteredRedirectUri } from '../domain/redirect-uri.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { isPublicClient, type Client } from '../domain/client.js';
import type { PkceChallenge } from '../domain/records.js';
import { requestedScope } from '../domain/scope.js';
import { fatalAuthorizeError, invalidRequest, oauthError, unauthorizedClient, type FatalAuthorizeError, type OAuthError } from '../errors/oauth-error.js';
import type { ServerConfig } from '../config/server-config.js';
import { decodeFormComponent } from '../http/form-urlencoded.js';
import { optional } from '../domain/optional.js';
import { requestedResources } from '../resources/indicators.js';
import type { ResourceServer } from '../config/resources.js';

/** Raw request parameters, each name with every value it was sent with (empty values dropped). */
export type MultiParams = Readonly<Record<string, readonly string[]>>;

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2.1). */
export interface AuthorizeRequest {
  readonly client: Client;
  readonly redirectUri: string;
  readonly state?: string;
  readonly scope: readonly string[];
  readonly pkce?: PkceChallenge;
  readonly nonce?: string;
  readonly prompt: readonly string[];
  readonly maxAge?: number;
  readonly loginHint?: string;
  readonly uiLocales?: string;
  readonly claims?: string;
  /** RFC 8707 §2: the registered resources the request names (repeatable). */
  readonly resource?: readonly string[];
  /** RFC 9449 §10: the DPoP key thumbprint the code is to be bound to. */
  readonly dpopJkt?: string;
}

/**
 * Parses `application/x-www-form-urlencoded` text (a query string or a form body) into a multi-map. Empty values are
 * treated as omitted (RFC 6749 §3.1); a broken percent-encoding is `invalid_request`.
 */
export const parseMultiParams = (raw: string): E.Either<OAuthError, MultiParams> => {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeFormComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = decodeFormComponent(eq < 0 ? '' : pair.slice(eq + 1));
    if (name === undefined || value === undefined) return E.left(invalidRequest('The request parameters are not correctly encoded.'));
    if (name === '' || value === '') continue;
    (out[name] ??= []).push(value);
  }
  return E.right(out);
};

/** A single-valued parameter: `undefined` when absent, `Left` when repeated (RFC 6749 §3.1). */
const single = (params: MultiParams, name: string): E.Either<string, string | undefined> => {
  const values = params[name];
  if (values === undefined) return E.right(undefined);
  return values.length === 1 ? E.right(values[0]) : E.left(name);
};

/** `state` to echo in an error response: only when it was sent exactly once. */
export const echoState = (params: MultiParams): string | undefined => {
  const values = params['state'];
  return values !== undefined && values.length === 1 ? values[0] : undefined;
};

/**
 * RFC 6749 §4.1.2.1 and RFC 9700 §4.11: the client and its redirect URI are verified first; until both are known,
 * every failure is shown to the user and never redirected. `redirect_uri` is compared as an exact string with the
 * registered ones (RFC 9700 §2.1), except that a loopback IP redirect URI matches with any port (RFC 8252 §7.3,
 * `redirectUriMatches`); it may be omitted only when exactly one is registered (RFC 6749 §3.1.2.3). The URI used is
 * the requested one (port included): the token request must repeat it identically (RFC 6749 §4.1.3).
 */
export const resolveRedirectUri = (client: Client, params: MultiParams): E.Either<FatalAuthorizeError, string> => {
  const requested = single(params, 'redirect_uri');
  if (E.isLeft(requested)) return E.left(fatalAuthorizeError('invalid_request', 'The redirect_uri parameter is repeated.'));
  const uri = requested.right;
  if (uri === undefined) {
    const only = client.redirectUris.length === 1 ? client.redirectUris[0] : undefined;
    return only === undefined
      ? E.left(fatalAuthorizeError('invalid_request', 'The redirect_uri parameter is missing.', `client ${client.clientId} has ${client.redirectUris.length} redirect URIs`))
      : E.right(only);
  }
  return isRegisteredRedirectUri(client.redirectUris, uri)
    ? E.right(uri)
    : E.left(fatalAuthorizeError('invalid_request', 'The redirect_uri is not registered for this client.', `client ${client.clientId} redirect_uri mismatch`));
};

/** The `client_id` of an authorization request; missing or repeated is shown as an error page (RFC 6749 §4.1.2.1). */
export const requireClientId = (params: MultiParams): E.Either<FatalAuthorizeError, string> => {
  const id = single(params, 'client_id');
  if (E.isLeft(id)) return E.left(fatalAuthorizeError('invalid_request', 'The client_id parameter is repeated.'));
  return id.right === undefined ? E.left(fatalAuthorizeError('invalid_request', 'The client_id parameter is missing.')) : E.right(id.right);
};

const s256Challenge = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: the verifier alphabet and length (a `plain` challenge equals the verifier). */
const plainChallenge = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * RFC 7636 §4.3 / RFC 9700 §2.1.1: `code_challenge_method` defaults to `plain`, which is refused unless enabled;
 * S256 challenges are 43 base64url characters. PKCE is required for public clients (OAuth 2.1 §4.1.1) and for every
 * client when `config.pkce.requiredFor` is `all`.
 */
const validatePkce = (
  config: ServerConfig,
  client: Client,
  challenge: string | undefined,
  method: string | undefined,
): E.Either<OAuthError, PkceChallenge | undefined> => {
  if (challenge === undefined) {
    if (method !== undefined) return E.left(invalidRequest('code_challenge_method was sent without code_challenge.'));
    const required = config.pkce.requiredFor === 'all' || isPublicClient(client);
    return required ? E.left(invalidRequest('PKCE is required: send code_challenge and code_challenge_method=S256.')) : E.right(undefined);
  }
  const effective = method ?? 'plain';
  if (effective === 'S256') {
    return s256Challenge.test(challenge) ? E.right({ challenge, method: 'S256' }) : E.left(invalidRequest('The code_challenge is not a valid S256 challenge.'));
  }
  if (effective === 'plain') {
    if (!config.pkce.allowPlain) return E.left(invalidRequest('code_challenge_method must be S256 (plain is not supported).'));
    return plainChallenge.test(challenge) ? E.right({ challenge, method: 'plain' }) : E.left(invalidRequest('The code_challenge is invalid.'));
  }
  return E.left(invalidRequest('The code_challenge_method is not supported; use S256.'));
};

const promptValues = new Set(['none', 'login', 'consent', 'select_account']);

/** OpenID Connect Core §3.1.2.1: `prompt` is a space-delimited set; `none` must stand alone. */
const parsePrompt = (raw: string | undefined): E.Either<OAuthError, readonly string[]> => {
  if (raw === undefined) return E.right([]);
  const values = [...new Set(raw.split(' ').filter((v) => v !== ''))];
  if (values.some((v) => !promptValues.has(v))) return E.left(invalidRequest('The prompt parameter has an unsupported value.'));
  if (values.includes('none') && values.length > 1) return E.left(invalidRequest('prompt=none cannot be combined with other values.'));
  return E.right(values);
};

/** RFC 9449 §10 `dpop_jkt`: an RFC 7638 SHA-256 JWK thumbprint, base64url (43 characters). */
const parseDpopJkt = (raw: string | undefined): E.Either<OAuthError, string | undefined> =>
  raw === undefined || /^[A-Za-z0-9_-]{43}$/.test(raw) ? E.right(raw) : E.left(invalidRequest('The dpop_jkt parameter is not a SHA-256 JWK thumbprint.'));

/** OpenID Connect Core §3.1.2.1: `max_age` is a non-negative number of seconds. */
const parseMaxAge = (raw: string | undefined): E.Either<OAuthError, number | undefined> =>
  raw === undefined ? E.right(undefined) : /^\d{1,10}$/.test(raw) ? E.right(Number(raw)) : E.left(invalidRequest('The max_age parameter is invalid.'));

/**
 * RFC 6749 §4.1.1 / §4.1.2.1, after the client and redirect URI are trusted: every error here is sent back to the
 * redirect URI. Only `response_type=code` (OAuth 2.1 drops the implicit grant), only `response_mode=query`, no
 * nested request objects (RFC 9101 §4: the caller has already unpacked one), no repeated parameter (RFC 6749 §3.1) but `resource`
 * (RFC 8707 §2, each a registered resource, else `invalid_target`): `resources` are those in force (default: the
 * configured ones; the caller reads the registry when the request names a resource).
 */
export const validateAuthorizeRequest = (
  config: ServerConfig,
  client: Client,
  redirectUri: string,
  params: MultiParams,
  resources: readonly ResourceServer[] = config.resources,
): E.Either<OAuthError, AuthorizeRequest> => {
  // RFC 8707 §2: `resource` may be repeated (one value per resource); every other parameter at most once.
  const repeated = Object.keys(params).find((k) => k !== 'resource' && (params[k]?.length ?? 0) > 1);
  if (repeated !== undefined) return E.left(invalidRequest(`The ${repeated} parameter is repeated.`));
  const p = (name: string): string | undefined => params[name]?.[0];
  const responseType = p('response_type');
  if (responseType === undefined) return E.left(invalidRequest('The response_type parameter is missing.'));
  if (responseType !== 'code') return E.left(oauthError('unsupported_response_type', 'Only response_type=code is supported.'));
  // RFC 9101 §4: by now a request object or request_uri has been replaced by its parameters; one left here is nested.
  if (p('request') !== undefined || p('request_uri') !== undefined) return E.left(invalidRequest('request and request_uri cannot be used here.'));
  const responseMode = p('response_mode');
  if (responseMode !== undefined && responseMode !== 'query') return E.left(invalidRequest('Only response_mode=query is supported.'));
  if (!client.grantTypes.includes('authorization_code') || !client.responseTypes.includes('code') || !config.grantTypes.includes('authorization_code')) {
    return E.left(unauthorizedClient('The client is not allowed to use the authorization code flow.'));
  }
  return pipe(
    E.Do,
    E.bind('scope', () => requestedScope(p('scope'), client.scope, [])),
    E.bind('pkce', () => validatePkce(config, client, p('code_challenge'), p('code_challenge_method'))),
    E.bind('prompt', () => parsePrompt(p('prompt'))),
    E.bind('maxAge', () => parseMaxAge(p('max_age'))),
    E.bind('resource', () => requestedResources(resources, params['resource'])),
    E.bind('dpopJkt', () => parseDpopJkt(p('dpop_jkt'))),
    E.map(({ scope, pkce, prompt, maxAge, resource, dpopJkt }) => {
      return {
        client,
        redirectUri,
        scope,
        prompt,
        ...optional('state', p('state')),
        ...optional('pkce', pkce),
        ...optional('nonce', p('nonce')),
        ...optional('maxAge', maxAge),
        ...optional('loginHint', p('login_hint')),
        ...optional('uiLocales', p('ui_locales')),
        ...optional('claims', p('claims')),
        ...optional('resource', resource),
        ...optional('dpopJkt', dpopJkt),
      } as AuthorizeRequest;
    }),
  );
};
