import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { AuthenticatedClient, Client, ClientAuthMethod } from '../domain/client.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { FormParams } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import type { JwksFetcher } from '../ports/jwks-fetcher.js';
import type { SecretHasher } from '../ports/runtime.js';
import type { ClientStore, ReplayCache } from '../ports/stores.js';
import type { ServerConfig } from '../config/server-config.js';
import { assertionClientId, verifyClientAssertion, type AssertionKey } from './assertion.js';
import { clientKeysOf } from './client-keys.js';
import { basicChallenge, invalidClient, presentedCredentials, type PresentedCredentials } from './credentials.js';
import { optional } from '../domain/optional.js';
import type { ClientSecretJwtKeys } from '../ports/client-secret-jwt-keys.js';
import type { ClientAuthThrottle } from '../ports/client-auth-throttle.js';


/** The ports client authentication uses (the token, introspection, revocation and device endpoints). */
export interface ClientAuthPorts {
  readonly clients: ClientStore;
  readonly secrets: SecretHasher;
  /** `jti` single use for client assertions (RFC 7523 §3). */
  readonly replay: ReplayCache;
  readonly clientSecretJwtKeys?: ClientSecretJwtKeys;
  /**
   * Fetches the JWK Set of `private_key_jwt` clients registered with `jwks_uri` (RFC 7591 §2). Without it such
   * clients get `invalid_client` (logged detail); clients with inline `jwks` never need it.
   */
  readonly jwksFetcher?: JwksFetcher;
  /** RFC 6749 §2.3.1 brute-force protection: attempts counted per client id and address before credentials are checked. */
  readonly clientAuthThrottle?: ClientAuthThrottle;
}

/** What authentication reads: the same shape as a grant's `GrantContext`. */
export interface ClientAuthContext {
  readonly config: ServerConfig;
  readonly ports: ClientAuthPorts;
  /** Epoch seconds of the request (`ports.clock.now()`, read once by the endpoint). */
  readonly now: number;
  readonly request: HttpRequest;
}

const methodOf = (p: PresentedCredentials): ClientAuthMethod | 'assertion' =>
  p._tag === 'Basic' ? 'client_secret_basic' : p._tag === 'Post' ? 'client_secret_post' : p._tag === 'None' ? 'none' : 'assertion';

const presentedClientId = (p: PresentedCredentials): E.Either<OAuthError, string> =>
  p._tag === 'Assertion'
    ? E.flatMap(assertionClientId(p.assertion), (id) =>
        p.clientId !== undefined && p.clientId !== id ? E.left(invalidClient('The client_id does not match the client assertion.', 'client_id/iss mismatch')) : E.right(id),
      )
    : E.right(p.clientId);

/**
 * RFC 6749 §2.3.1: compares the presented secret with every unexpired stored hash (`ports.secrets.verify`, constant
 * time), without stopping at the first match, so overlapping secrets during rotation both work.
 */
const secretMatches = (client: Client, secret: string, secrets: SecretHasher, now: number): boolean =>
  client.secretHashes.reduce((ok, s) => secrets.verify(secret, s.hash) && (s.expiresAt === undefined || now < s.expiresAt) ? true : ok, false);

/**
 * Authenticates the client of a request at the token endpoint (and introspection, revocation and device
 * authorization, which call the same function). RFC 6749 §2.3:
 * - `client_secret_basic` / `client_secret_post` (§2.3.1): secret checked against the stored hashes;
 * - `none` (§2.1): a public client only sends `client_id`;
 * - `private_key_jwt` / `client_secret_jwt` (RFC 7523 §2.2, OIDC Core §9): see `verifyClientAssertion`.
 * A client must use exactly its registered `tokenEndpointAuthMethod`. More than one method → `invalid_request`;
 * every other failure is `invalid_client` (401) with `WWW-Authenticate: Basic` (RFC 6749 §5.2 requires it when the
 * client tried HTTP authentication; RFC 9110 §15.5.2 requires a challenge on every 401, and Basic is the scheme this
 * server accepts). Store faults become `server_error`/`temporarily_unavailable`. Never throws.
 */
export const authenticateClient =
  (form: FormParams): RTE.ReaderTaskEither<ClientAuthContext, OAuthError, AuthenticatedClient> =>
  (ctx) =>
  async () => {
    const outcome = await authenticate(form, ctx);
    return E.isLeft(outcome) ? E.left(withChallenge(outcome.left, ctx.config.issuer)) : outcome;
  };

/** The steps of `authenticateClient`: credentials presented → client id → registered client → credentials checked. */
const authenticate = async (form: FormParams, ctx: ClientAuthContext): Promise<E.Either<OAuthError, AuthenticatedClient>> => {
  const presented = presentedCredentials(ctx.request.headers['authorization'], form, ctx.config.issuer);
  if (E.isLeft(presented)) return presented;
  const clientId = presentedClientId(presented.right);
  if (E.isLeft(clientId)) return clientId;
  const throttle = presented.right._tag === 'None' ? undefined : ctx.ports.clientAuthThrottle;
  if (throttle !== undefined) {
    const admitted = await admit(throttle, clientId.right, ctx.request.remoteAddress);
    if (E.isLeft(admitted)) return admitted;
  }
  const found = await ctx.ports.clients.find(clientId.right)();
  if (E.isLeft(found)) return E.left(fromStoreError(found.left));
  if (O.isNone(found.right)) return E.left(failure(presented.right, ctx, 'unknown client'));
  const checked = await checkCredentials(found.right.value, presented.right, ctx)();
  if (throttle !== undefined && E.isRight(checked)) {
    const given = await throttle.succeeded(clientId.right, ctx.request.remoteAddress)();
    if (E.isLeft(given)) return E.left(fromStoreError(given.left));
  }
  return checked;
};

/**
 * RFC 6749 §2.3.1 brute-force protection: the attempt is counted before any credential is looked at; beyond the
 * limit it is refused with 429 and `Retry-After` (RFC 6585 §4), the credentials unchecked.
 */
const admit = async (throttle: ClientAuthThrottle, clientId: string, address: string | undefined): Promise<E.Either<OAuthError, void>> => {
  const verdict = await throttle.attempt(clientId, address)();
  if (E.isLeft(verdict)) return E.left(fromStoreError(verdict.left));
  if (verdict.right._tag === 'Allowed') return E.right(undefined);
  const wait = String(Math.max(1, Math.ceil(verdict.right.retryAfterSeconds)));
  return E.left(oauthError('too_many_requests', `Too many failed client authentications. Retry after ${wait} seconds.`, { detail: `client authentication throttled for ${clientId}`, headers: { 'retry-after': wait } }));
};

/** RFC 9110 §15.5.2: a 401 carries a challenge; `invalid_client` without one gets the Basic challenge. */
const withChallenge = (error: OAuthError, realm: string): OAuthError =>
  error.code !== 'invalid_client' || error.headers?.['www-authenticate'] !== undefined
    ? error
    : oauthError(error.code, error.description, { ...optional('detail', error.detail), ...optional('cause', error.cause), headers: { ...error.headers, ...basicChallenge(realm) } });

/** `invalid_client` with the Basic challenge when the client tried HTTP Basic (RFC 6749 §5.2). */
const failure = (presented: PresentedCredentials, ctx: ClientAuthContext, detail: string): OAuthError =>
  invalidClient('Client authentication failed.', detail, presented._tag === 'Basic' ? ctx.config.issuer : undefined);

/** RFC 6749 §2.3: checks the presented credentials against the registered method and secrets/keys. */
const checkCredentials = (client: Client, presented: PresentedCredentials, ctx: ClientAuthContext): TE.TaskEither<OAuthError, AuthenticatedClient> => {
  const { config, ports, now } = ctx;
  const registered = client.tokenEndpointAuthMethod;
  const used = methodOf(presented);
  const matchesRegistration = used === 'assertion' ? registered === 'private_key_jwt' || registered === 'client_secret_jwt' : used === registered;
  if (!matchesRegistration) return TE.left(failure(presented, ctx, `client ${client.clientId} is registered for ${registered}, used ${used}`));
  // FAPI 2.0 Security Profile §5.3.2.1: confidential clients only, authenticated by private_key_jwt (no mTLS here).
  if (config.profile === 'fapi2' && registered !== 'private_key_jwt') return TE.left(failure(presented, ctx, `profile fapi2: client ${client.clientId} uses ${registered}`));
  const done = TE.right<OAuthError, AuthenticatedClient>({ client, method: registered });
  switch (presented._tag) {
    case 'None':
      return done;
    case 'Basic':
    case 'Post':
      return secretMatches(client, presented.secret, ports.secrets, now) ? done : TE.left(failure(presented, ctx, `bad secret for ${client.clientId}`));
    case 'Assertion':
      return pipe(
        assertionKey(client, ports),
        TE.flatMap((key) =>
          verifyClientAssertion(client, presented.assertion, key, {
            config,
            replay: ports.replay,
            now,
            // The issuer identifier only: an endpoint URL as `aud` lets an assertion made for one server's endpoint
            // be replayed at another that shares the URL scheme (the audience-injection attack on RFC 7523).
            audiences: [config.issuer],
          }),
        ),
        TE.flatMap(() => done),
      );
  }
};

/**
 * RFC 7523 §2.2: the key a client assertion is verified with — the client's `jwks`, its `jwks_uri` (through
 * `ports.jwksFetcher`) for `private_key_jwt`, or the clear secret for `client_secret_jwt`.
 */
const assertionKey = (client: Client, ports: ClientAuthPorts): TaskEither<OAuthError, AssertionKey> => {
  if (client.tokenEndpointAuthMethod === 'private_key_jwt') {
    return pipe(
      clientKeysOf(client, ports.jwksFetcher),
      E.match(
        (detail): TaskEither<OAuthError, AssertionKey> => TE.left(invalidClient('Client authentication failed.', detail)),
        (keys) => TE.right(keys._tag === 'Inline' ? { _tag: 'Jwks', keys: keys.keys } : keys),
      ),
    );
  }
  const source = ports.clientSecretJwtKeys;
  if (source === undefined) return TE.left(invalidClient('Client authentication failed.', 'client_secret_jwt needs the clientSecretJwtKeys port'));
  return pipe(
    source.secretFor(client),
    TE.mapError(fromStoreError),
    TE.flatMap(
      O.match(
        () => TE.left(invalidClient('Client authentication failed.', `no clear secret for ${client.clientId}`)),
        (secret): TaskEither<OAuthError, AssertionKey> => TE.right({ _tag: 'Secret', secret }),
      ),
    ),
  );
};
