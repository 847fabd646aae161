import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { importJWK, SignJWT, type JWK } from 'jose';
import type { Clock, Logger, StoreError } from '@grantor/core';
import { parseScope, storeError, type AccessTokenRecord } from '@grantor/core/extend';
import { sha256SecretHasher } from './runtime.js';
import type { OutboundFetch } from './outbound-fetch.js';

/**
 * The RFC 7662 side of `remoteVerifier`: a resource server in another process asks the authorization server about
 * each opaque token it is shown, authenticated as a client the authorization server lets introspect the tokens of
 * its audience (RFC 7662 §2.1, §4; in Grantor `config.resources[].clientIds`). Answers are cached briefly.
 */

/** How the resource server authenticates at the introspection endpoint (RFC 7662 §2.1). */
export type IntrospectionCredentials =
  /** RFC 6749 §2.3.1 `client_secret_basic`. */
  | { readonly clientId: string; readonly clientSecret: string }
  /** RFC 7523 §2.2 / OpenID Connect Core §9 `private_key_jwt`: a private JWK (with `alg`, or `alg` here). */
  | { readonly clientId: string; readonly privateKey: JWK; readonly alg?: string };

/** Options of the introspection mode of `remoteVerifier`. */
export type IntrospectionOptions = IntrospectionCredentials & {
  /** The authorization server's `introspection_endpoint` (RFC 8414 §2). */
  readonly endpoint: string;
  /** How long an active answer is reused, in seconds (never past the token's `exp`). Default 60; 0 disables. */
  readonly cacheTtlSeconds?: number;
  /** How long an inactive answer (`{"active":false}`) is reused, in seconds. Default 5; 0 disables. */
  readonly negativeCacheTtlSeconds?: number;
  /** Cached answers kept (least recently used dropped first). Default 10000. */
  readonly maxEntries?: number;
};

/** What `find` answers: the token's record, `null` for an inactive, unknown or unusable token, or a fault. */
type Found = { readonly _tag: 'Left'; readonly left: StoreError } | { readonly _tag: 'Right'; readonly right: AccessTokenRecord | null };
type Cached = { readonly record: AccessTokenRecord | null };

const fault = (detail: string, transient: boolean): Found => ({ _tag: 'Left', left: storeError(detail, { transient }) });
const found = (record: AccessTokenRecord | null): Found => ({ _tag: 'Right', right: record });

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** RFC 7662 §2.2 members this module reads; every other member of an active answer is kept as `extra` (`cnf` too). */
const standardMembers = new Set(['active', 'scope', 'client_id', 'username', 'token_type', 'exp', 'iat', 'nbf', 'sub', 'aud', 'iss', 'jti']);

/** RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded. */
const basicCredentials = (clientId: string, secret: string): string => {
  const encode = (value: string): string => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
};

/**
 * RFC 7523 §3 / OpenID Connect Core §9: a client assertion for one introspection call — `iss` and `sub` the client,
 * `aud` the issuer identifier (what Grantor accepts, RFC 7523 §3 item 3), a fresh `jti`, a one-minute `exp`.
 */
const clientAssertion = async (credentials: { readonly clientId: string; readonly privateKey: JWK; readonly alg?: string }, issuer: string, now: number): Promise<string> => {
  const alg = credentials.alg ?? credentials.privateKey.alg ?? 'ES256';
  const key = await importJWK(credentials.privateKey, alg);
  const iat = Math.floor(now);
  return new SignJWT({})
    .setProtectedHeader({ alg, ...(credentials.privateKey.kid === undefined ? {} : { kid: credentials.privateKey.kid }) })
    .setIssuer(credentials.clientId)
    .setSubject(credentials.clientId)
    .setAudience(issuer)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .sign(key);
};

const audienceOf = (aud: unknown): readonly string[] | undefined | false => {
  if (aud === undefined) return undefined;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? (aud as readonly string[]) : false;
};

/**
 * RFC 7662 §2.2: an introspection answer as an access-token record. `active` must be `true`; `token_type` must say
 * an access token (`Bearer` or `DPoP`: a refresh token, which Grantor describes without one, is never accepted at a
 * resource); `iss`, when present, must be the expected issuer; `exp`, `iat`, `client_id`, `scope`, `sub`, `aud` are
 * type-checked. `null`: inactive or not an access token of this issuer; a string: a malformed answer.
 */
const recordOfIntrospection = (body: unknown, issuer: string, tokenHash: string, now: number): AccessTokenRecord | null | string => {
  if (!isRecord(body)) return 'the introspection answer is not a JSON object';
  if (body['active'] !== true) return null;
  const tokenType = body['token_type'];
  if (typeof tokenType !== 'string' || !['bearer', 'dpop'].includes(tokenType.toLowerCase())) return null;
  if (body['iss'] !== undefined && body['iss'] !== issuer) return null;
  const { exp, iat, client_id: clientId, sub, scope, jti } = body;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'an active answer without a numeric exp';
  if (typeof clientId !== 'string' || clientId === '') return 'an active answer without client_id';
  const scopes = scope === undefined ? [] : typeof scope === 'string' ? parseScope(scope) : undefined;
  if (scopes === undefined) return 'scope is not a space-separated list';
  const audience = audienceOf(body['aud']);
  if (audience === false) return 'aud is neither a string nor an array of strings';
  if (sub !== undefined && typeof sub !== 'string') return 'sub is not a string';
  const extra = Object.fromEntries(Object.entries(body).filter(([name]) => !standardMembers.has(name)));
  return {
    id: typeof jti === 'string' && jti !== '' ? jti : tokenHash,
    format: 'opaque',
    clientId,
    scope: scopes,
    issuedAt: typeof iat === 'number' && Number.isFinite(iat) ? iat : Math.floor(now),
    expiresAt: exp,
    ...(typeof sub === 'string' ? { subject: sub } : {}),
    ...(audience === undefined ? {} : { audience }),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
  };
};

/**
 * RFC 7662 §2.1–§2.2 over `fetch`: POST `token` (with `token_type_hint=access_token`) to the endpoint, the caller
 * authenticated with `client_secret_basic` or `private_key_jwt`, and read the answer with `recordOfIntrospection`.
 * Answers are cached per token (keyed by its SHA-256, never the token itself) in a bounded LRU: an active one for
 * `cacheTtlSeconds` but never past its `exp`, an inactive one for `negativeCacheTtlSeconds`; faults are never cached.
 * Concurrent lookups of one token share one request. A timeout, a network failure, a 5xx or a 429 is a transient
 * fault (503 at the resource); another status (e.g. 401: the resource server's credentials are wrong) or a malformed
 * answer is a permanent one (500). The consequence of the cache: a revoked token stays usable here for at most
 * `cacheTtlSeconds` (RFC 7662 §4 leaves that trade-off to the resource server).
 */
export const introspectionSource = (
  options: IntrospectionOptions,
  deps: { readonly issuer: string; readonly fetch: OutboundFetch; readonly clock: Clock; readonly logger: Logger },
): ((token: string) => Promise<Found>) => {
  const positiveTtl = options.cacheTtlSeconds ?? 60;
  const negativeTtl = options.negativeCacheTtlSeconds ?? 5;
  const cache = new LRUCache<string, Cached>({ max: options.maxEntries ?? 10_000 });
  const inFlight = new Map<string, Promise<Found>>();

  const authorization = async (now: number): Promise<{ readonly header?: string; readonly form: string }> => {
    if ('clientSecret' in options && typeof options.clientSecret === 'string') return { header: basicCredentials(options.clientId, options.clientSecret), form: '' };
    const assertion = await clientAssertion(options as Extract<IntrospectionCredentials, { readonly privateKey: JWK }>, deps.issuer, now);
    const form = new URLSearchParams({
      client_id: options.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    }).toString();
    return { form: `&${form}` };
  };

  const ask = async (token: string, key: string): Promise<Found> => {
    const now = deps.clock.now();
    let auth: { readonly header?: string; readonly form: string };
    try {
      auth = await authorization(now);
    } catch (cause) {
      deps.logger.log('error', 'remote verifier: the client assertion could not be signed', { cause });
      return fault('introspection: the client assertion could not be signed', false);
    }
    const response = await deps.fetch(options.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth.header === undefined ? {} : { authorization: auth.header }) },
      body: `${new URLSearchParams({ token, token_type_hint: 'access_token' }).toString()}${auth.form}`,
    });
    if (response._tag === 'Left') return fault(`introspection: ${response.left.detail}`, response.left.transient);
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(response.right.body));
    } catch {
      return fault('introspection: the answer is not JSON', false);
    }
    const record = recordOfIntrospection(body, deps.issuer, key, now);
    if (typeof record === 'string') return fault(`introspection: ${record}`, false);
    const ttlSeconds = record === null ? negativeTtl : Math.min(positiveTtl, record.expiresAt - now);
    if (ttlSeconds > 0) cache.set(key, { record }, { ttl: Math.floor(ttlSeconds * 1000) });
    return found(record);
  };

  return (token) => {
    const key = sha256SecretHasher.hash(token);
    const cached = cache.get(key);
    if (cached !== undefined) return Promise.resolve(found(cached.record));
    const running = inFlight.get(key);
    if (running !== undefined) return running;
    const started = ask(token, key).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
};
