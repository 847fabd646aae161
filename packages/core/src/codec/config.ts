import type { ServerConfig } from '../config/server-config.js';
import type { RegistrationConfig, ResourceServer } from '../config/resources.js';
import { decodeRegistration, decodeResources } from './resource-config.js';
import { applyProfile } from './profile.js';

type DeepPartial<T> = { readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What a host passes to `createAuthorizationServer`: `issuer` is required, everything else has a default. */
export type ServerConfigInput = { readonly issuer: string } & DeepPartial<Omit<ServerConfig, 'issuer' | 'resources' | 'registration' | 'refreshTokens'>> & {
  /** `reuseGraceSeconds`: one number for every client, or per client type (`{ public, confidential }`). */
  readonly refreshTokens?: { readonly reuseGraceSeconds?: number | { readonly public?: number; readonly confidential?: number } };
  /** RFC 8707 resource servers; `scopes`, `clientIds` may be omitted (`scope` as a space-separated string also works). */
  readonly resources?: readonly (Pick<ResourceServer, 'identifier'> & Partial<Omit<ResourceServer, 'identifier'>> & { readonly scope?: string })[];
  readonly registration?: Partial<RegistrationConfig>;
};

const fail = (field: string, expected: string, value: unknown): never => {
  throw new TypeError(`Invalid server config: ${field} must be ${expected} (got ${describe(value)})`);
};
const describe = (value: unknown): string => {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? (Array.isArray(value) ? 'an array' : 'an object') : String(value);
  } catch {
    return typeof value;
  }
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const section = (input: unknown, field: string): Readonly<Record<string, unknown>> => {
  if (input === undefined) return {};
  return isRecord(input) ? input : fail(field, 'an object', input);
};

/**
 * An absolute `http(s)` URL with a host and neither query nor fragment (RFC 8414 §2 for the issuer). Checked by hand:
 * the core compiles without the WHATWG `URL` global.
 */
const absoluteUrl = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i;
export const isAbsoluteHttpUrl = (value: string): boolean => absoluteUrl.test(value);

const url = (value: unknown, field: string): string =>
  typeof value === 'string' && isAbsoluteHttpUrl(value) ? value : fail(field, 'an absolute http(s) URL without query or fragment', value);

const path = (value: unknown, fallback: string, field: string): string => {
  if (value === undefined) return fallback;
  return typeof value === 'string' && /^\/[^\s?#]*$/.test(value) ? value : fail(field, "a path starting with '/' (no query, fragment or spaces)", value);
};

const positiveInt = (value: unknown, fallback: number, field: string): number => {
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fail(field, 'a positive integer', value);
};

const nonNegativeInt = (value: unknown, fallback: number, field: string): number => {
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fail(field, 'a non-negative integer', value);
};

const choice = <L extends string>(value: unknown, values: readonly L[], fallback: L, field: string): L => {
  if (value === undefined) return fallback;
  return typeof value === 'string' && (values as readonly string[]).includes(value) ? (value as L) : fail(field, `one of ${values.join(', ')}`, value);
};

const bool = (value: unknown, fallback: boolean, field: string): boolean => {
  if (value === undefined) return fallback;
  return typeof value === 'boolean' ? value : fail(field, 'a boolean', value);
};

const tokenList = (value: unknown, fallback: readonly string[], field: string): readonly string[] => {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(v))) {
    return fail(field, 'an array of non-empty strings without spaces', value);
  }
  return Object.freeze([...new Set(value as string[])]);
};

const defaultRoutes: ServerConfig['routes'] = Object.freeze({
  authorization: '/authorize',
  token: '/token',
  introspection: '/introspect',
  revocation: '/revoke',
  userinfo: '/userinfo',
  jwks: '/jwks',
  deviceAuthorization: '/device_authorization',
  endSession: '/end_session',
  registration: '/connect/register',
  pushedAuthorization: '/par',
});

const defaultGrantTypes: readonly string[] = Object.freeze(['authorization_code', 'refresh_token', 'client_credentials']);
const defaultScopesSupported: readonly string[] = Object.freeze(['openid', 'profile', 'email', 'offline_access']);

const stripTrailingSlash = (u: string): string => (u.endsWith('/') ? u.slice(0, -1) : u);

const decodeRoutes = (input: unknown): ServerConfig['routes'] => {
  const r = section(input, 'routes');
  const routes = Object.fromEntries(
    (Object.keys(defaultRoutes) as (keyof ServerConfig['routes'])[]).map((k) => [k, path(r[k], defaultRoutes[k], `routes.${k}`)]),
  ) as unknown as ServerConfig['routes'];
  const values = Object.values(routes);
  const duplicate = values.find((v, i) => values.indexOf(v) !== i);
  if (duplicate !== undefined) fail('routes', 'distinct paths', duplicate);
  return Object.freeze(routes);
};

const decodeLifetimes = (input: unknown): ServerConfig['lifetimes'] => {
  const l = section(input, 'lifetimes');
  return Object.freeze({
    accessToken: positiveInt(l['accessToken'], 3600, 'lifetimes.accessToken'),
    refreshToken: positiveInt(l['refreshToken'], 1_209_600, 'lifetimes.refreshToken'),
    authorizationCode: positiveInt(l['authorizationCode'], 60, 'lifetimes.authorizationCode'),
    idToken: positiveInt(l['idToken'], 3600, 'lifetimes.idToken'),
    deviceCode: positiveInt(l['deviceCode'], 600, 'lifetimes.deviceCode'),
    interaction: positiveInt(l['interaction'], 600, 'lifetimes.interaction'),
  });
};

const decodeDeviceFlow = (input: unknown, issuer: string): ServerConfig['deviceFlow'] => {
  const d = section(input, 'deviceFlow');
  const u = section(d['userCode'], 'deviceFlow.userCode');
  const length = positiveInt(u['length'], 8, 'deviceFlow.userCode.length');
  if (length < 6 || length > 20) fail('deviceFlow.userCode.length', 'between 6 and 20', length);
  return Object.freeze({
    verificationUri: d['verificationUri'] === undefined ? `${stripTrailingSlash(issuer)}/device` : url(d['verificationUri'], 'deviceFlow.verificationUri'),
    interval: positiveInt(d['interval'], 5, 'deviceFlow.interval'),
    userCode: Object.freeze({ length, charset: choice(u['charset'], ['consonants', 'numeric', 'alphanumeric'] as const, 'consonants', 'deviceFlow.userCode.charset') }),
  });
};

const decodePar = (input: unknown): ServerConfig['par'] => {
  const p = section(input, 'par');
  return Object.freeze({
    required: bool(p['required'], false, 'par.required'),
    requestUriLifetime: positiveInt(p['requestUriLifetime'], 60, 'par.requestUriLifetime'),
  });
};

/** RFC 9449 §5.1: asymmetric algorithms only (`none` and MAC algorithms are never proofs). */
const dpopAlgs: readonly string[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

const decodeDpop = (input: unknown): ServerConfig['dpop'] => {
  const d = section(input, 'dpop');
  const signingAlgs = tokenList(d['signingAlgs'], ['ES256', 'RS256', 'PS256', 'EdDSA'], 'dpop.signingAlgs');
  const bad = signingAlgs.find((a) => !dpopAlgs.includes(a));
  if (bad !== undefined || signingAlgs.length === 0) fail('dpop.signingAlgs', `a non-empty list of ${dpopAlgs.join(', ')}`, bad);
  const secret = d['nonceSecret'];
  if (secret !== undefined && !(typeof secret === 'string' && secret.length >= 16)) fail('dpop.nonceSecret', 'a string of at least 16 characters', secret);
  return Object.freeze({
    signingAlgs,
    proofMaxAgeSeconds: positiveInt(d['proofMaxAgeSeconds'], 300, 'dpop.proofMaxAgeSeconds'),
    required: bool(d['required'], false, 'dpop.required'),
    nonceRotationSeconds: positiveInt(d['nonceRotationSeconds'], 300, 'dpop.nonceRotationSeconds'),
    ...(typeof secret === 'string' ? { nonceSecret: secret } : {}),
  });
};

/** RFC 9101 §6.1: signed request objects only, by asymmetric algorithms (RFC 7518 §3; never `none`, never a MAC). */
const requestObjectAlgs: readonly string[] = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

const decodeRequestObjects = (input: unknown): ServerConfig['requestObjects'] => {
  const r = section(input, 'requestObjects');
  const signingAlgs = tokenList(r['signingAlgs'], ['ES256', 'PS256', 'RS256', 'EdDSA'], 'requestObjects.signingAlgs');
  const bad = signingAlgs.find((a) => !requestObjectAlgs.includes(a));
  if (bad !== undefined || signingAlgs.length === 0) fail('requestObjects.signingAlgs', `a non-empty list of ${requestObjectAlgs.join(', ')}`, bad);
  return Object.freeze({
    required: bool(r['required'], false, 'requestObjects.required'),
    signingAlgs,
    maxLifetimeSeconds: positiveInt(r['maxLifetimeSeconds'], 3600, 'requestObjects.maxLifetimeSeconds'),
  });
};

/** Defaults of the reuse grace window (RFC 9700 §4.14.2): public clients retry after lost replies; confidential ones rarely. */
const defaultReuseGrace = { public: 10, confidential: 0 } as const;

const decodeReuseGrace = (input: unknown): ServerConfig['refreshTokens']['reuseGraceSeconds'] => {
  if (input === undefined) return defaultReuseGrace;
  if (typeof input === 'number') {
    const seconds = nonNegativeInt(input, 0, 'refreshTokens.reuseGraceSeconds');
    return Object.freeze({ public: seconds, confidential: seconds });
  }
  const g = section(input, 'refreshTokens.reuseGraceSeconds');
  return Object.freeze({
    public: nonNegativeInt(g['public'], defaultReuseGrace.public, 'refreshTokens.reuseGraceSeconds.public'),
    confidential: nonNegativeInt(g['confidential'], defaultReuseGrace.confidential, 'refreshTokens.reuseGraceSeconds.confidential'),
  });
};

/**
 * Decodes the host's configuration and fills the defaults. Called once, at construction: a bad value is a
 * `TypeError` naming the field (never a request-time failure). The issuer must be an absolute http(s) URL without
 * query or fragment (RFC 8414 §2); `baseUrl` defaults to the issuer and loses a trailing `/`.
 */
export const decodeServerConfig = (raw: ServerConfigInput): ServerConfig => {
  if (!isRecord(raw)) return fail('(root)', 'an object', raw);
  const input = applyProfile(raw) as ServerConfigInput;
  const issuer = url(input.issuer, 'issuer');
  const baseUrl = stripTrailingSlash(input.baseUrl === undefined ? issuer : url(input.baseUrl, 'baseUrl'));
  const interactionUrl = input.interactionUrl ?? '/interaction/{id}';
  if (typeof interactionUrl !== 'string' || !interactionUrl.includes('{id}') || !(interactionUrl.startsWith('/') || isAbsoluteHttpUrl(interactionUrl.split('?')[0] ?? ''))) {
    fail('interactionUrl', "an absolute http(s) URL or a path starting with '/', containing {id}", interactionUrl);
  }
  const pkce = section(input.pkce, 'pkce');
  const refresh = section(input.refreshTokens, 'refreshTokens');
  const assertions = section(input.assertions, 'assertions');
  const grantTypes = tokenList(input.grantTypes, defaultGrantTypes, 'grantTypes');
  return Object.freeze({
    issuer,
    profile: input.profile === 'fapi2' ? 'fapi2' : 'default',
    baseUrl,
    routes: decodeRoutes(input.routes),
    interactionUrl,
    scopesSupported: tokenList(input.scopesSupported, defaultScopesSupported, 'scopesSupported'),
    grantTypes,
    lifetimes: decodeLifetimes(input.lifetimes),
    pkce: Object.freeze({
      requiredFor: choice(pkce['requiredFor'], ['public', 'all'] as const, 'all', 'pkce.requiredFor'),
      allowPlain: bool(pkce['allowPlain'], false, 'pkce.allowPlain'),
    }),
    refreshTokens: Object.freeze({ reuseGraceSeconds: decodeReuseGrace(refresh['reuseGraceSeconds']) }),
    accessTokenFormat: choice(input.accessTokenFormat, ['opaque', 'jwt'] as const, 'opaque', 'accessTokenFormat'),
    deviceFlow: decodeDeviceFlow(input.deviceFlow, issuer),
    assertions: Object.freeze({
      maxLifetimeSeconds: positiveInt(assertions['maxLifetimeSeconds'], 300, 'assertions.maxLifetimeSeconds'),
      clockSkewSeconds: nonNegativeInt(assertions['clockSkewSeconds'], 30, 'assertions.clockSkewSeconds'),
    }),
    resources: decodeResources(input.resources),
    registration: decodeRegistration(input.registration),
    par: decodePar(input.par),
    requestObjects: decodeRequestObjects(input.requestObjects),
    dpop: decodeDpop(input.dpop),
  });
};
