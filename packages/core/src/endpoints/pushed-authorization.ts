import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { authenticateClient, type ClientAuthPorts } from '../client-auth/authenticate.js';
import type { ServerConfig } from '../config/server-config.js';
import type { AuthenticatedClient, Client } from '../domain/client.js';
import type { PushedRequestRecord } from '../domain/pushed-request.js';
import { fatalAuthorizeError, invalidRequest, oauthError, type FatalAuthorizeError, type OAuthError } from '../errors/oauth-error.js';
import type { DpopBinding } from '../dpop/binding.js';
import { dpopHeader, verifyDpopProof } from '../dpop/proof.js';
import { fromStoreError } from '../errors/store-error.js';
import { utf8Decode } from '../http/encoding.js';
import { requireFormContentType, type FormParams } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { json, noStore, type HttpResponse } from '../http/http-response.js';
import type { Route } from '../http/route.js';
import type { PushedRequestStore } from '../ports/pushed-requests.js';
import type { Clock, Logger, Random } from '../ports/runtime.js';
import { parseMultiParams, resolveRedirectUri, validateAuthorizeRequest, type MultiParams } from './authorize-request.js';
import { failWith } from './render-error.js';
import { signedRequestObjectRequired, verifyRequestObject } from '../jar/request-object.js';

/** RFC 9126 §2.2: the URN prefix of a `request_uri` this server issues. */
const requestUriPrefix = 'urn:ietf:params:oauth:request_uri:';

/** The ports of the pushed authorization request endpoint. */
export type PushedAuthorizationPorts = ClientAuthPorts & {
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly pushedRequests: PushedRequestStore;
};

/** The client authentication parameters (RFC 6749 §2.3, RFC 7523 §2.2): read by authentication, never stored. */
const credentialParams: readonly string[] = ['client_secret', 'client_assertion', 'client_assertion_type'];

/** RFC 9126 §2.1: the body is `application/x-www-form-urlencoded`, parsed as the authorization endpoint parses it. */
const readPushedParams = (req: HttpRequest): E.Either<OAuthError, MultiParams> =>
  pipe(
    requireFormContentType(req),
    E.flatMap(() => {
      const text = req.body === undefined ? '' : utf8Decode(req.body);
      return text === undefined ? E.left(invalidRequest('The request body is not valid UTF-8.')) : parseMultiParams(text);
    }),
  );

/** The single-valued form client authentication reads (RFC 6749 §2.3.1: a credential parameter is sent once). */
const authenticationForm = (params: MultiParams): E.Either<OAuthError, FormParams> => {
  const form: Record<string, string> = {};
  for (const name of ['client_id', ...credentialParams]) {
    const values = params[name];
    if (values === undefined) continue;
    if (values.length !== 1 || values[0] === undefined) return E.left(invalidRequest(`The ${name} parameter is repeated.`));
    form[name] = values[0];
  }
  return E.right(form);
};

/**
 * RFC 9126 §2.1: the pushed parameters are validated as the authorization endpoint validates them (the same
 * functions: redirect URI, then every other check), `request_uri` itself must not be pushed, and a `client_id`
 * sent must be the authenticated client. An unregistered `redirect_uri` is `invalid_request` here (no user agent to
 * protect, RFC 9126 §2.3).
 */
const validatePushed = (config: ServerConfig, client: Client, params: MultiParams): E.Either<OAuthError, MultiParams> => {
  if (params['request_uri'] !== undefined) return E.left(invalidRequest('request_uri must not be pushed (RFC 9126 §2.1).'));
  // FAPI 2.0 Security Profile §5.3.2.2: the redirect URI is always sent, never defaulted from the registration.
  if (config.profile === 'fapi2' && params['redirect_uri'] === undefined) return E.left(invalidRequest('The redirect_uri parameter is required.'));
  const sentId = params['client_id'];
  if (sentId !== undefined && (sentId.length !== 1 || sentId[0] !== client.clientId)) {
    return E.left(invalidRequest('The client_id does not match the authenticated client.', `pushed client_id ${sentId.join(',')} for ${client.clientId}`));
  }
  const stored: Record<string, readonly string[]> = {};
  for (const [name, values] of Object.entries(params)) if (!credentialParams.includes(name)) stored[name] = values;
  stored['client_id'] = [client.clientId];
  return pipe(
    resolveRedirectUri(client, stored),
    E.mapLeft((fatal: FatalAuthorizeError): OAuthError => invalidRequest(fatal.description, fatal.detail)),
    E.flatMap((redirectUri) => validateAuthorizeRequest(config, client, redirectUri, stored)),
    E.map(() => stored),
  );
};

/**
 * RFC 9449 §10.1: a DPoP proof sent with the push (checked first, as at the token endpoint, with the PAR endpoint's
 * URL as `htu`) binds the code as `dpop_jkt` would.
 */
const pushProof = (ports: PushedAuthorizationPorts, req: HttpRequest, now: number): TE.TaskEither<OAuthError, DpopBinding | undefined> => {
  const header = dpopHeader(req.headers);
  if ('_tag' in header) return TE.left(header);
  if (header.proof === undefined) return TE.right(undefined);
  const url = `${ports.config.baseUrl}${ports.config.routes.pushedAuthorization}`;
  return verifyDpopProof({ config: ports.config, replay: ports.replay, secrets: ports.secrets }, header.proof, { method: req.method, url, now });
};

/** RFC 9449 §10.1: with both a proof and `dpop_jkt`, they must name the same key; the proof's key becomes `dpop_jkt`. */
const bindToProof = (params: MultiParams, proof: DpopBinding | undefined): E.Either<OAuthError, MultiParams> => {
  if (proof === undefined) return E.right(params);
  const sent = params['dpop_jkt'];
  if (sent !== undefined && (sent.length !== 1 || sent[0] !== proof.jkt)) {
    return E.left(oauthError('invalid_dpop_proof', 'The dpop_jkt does not match the DPoP proof key.', { detail: 'dpop_jkt / proof mismatch at PAR' }));
  }
  return E.right({ ...params, dpop_jkt: [proof.jkt] });
};

/**
 * RFC 9126 §3: a pushed `request` object is verified as at the authorization endpoint (RFC 9101 §6) and its
 * parameters are the pushed request; the other form parameters only authenticate the client. A client (or server)
 * requiring signed request objects (RFC 9101 §10.5) must push one.
 */
const pushedParams = (ports: PushedAuthorizationPorts, client: Client, params: MultiParams, now: number): TE.TaskEither<OAuthError, MultiParams> => {
  const objects = params['request'];
  if (objects === undefined) {
    return signedRequestObjectRequired(ports.config, client)
      ? TE.left(invalidRequest('This client must send a signed request object (RFC 9101).', `client ${client.clientId} requires JAR`))
      : TE.right(params);
  }
  const [object] = objects;
  if (objects.length !== 1 || object === undefined) return TE.left(invalidRequest('The request parameter is repeated.'));
  return verifyRequestObject(ports.config, ports, client, object, now);
};

/** RFC 9126 §2.2: a fresh reference (256 random bits), stored as its hash with the parameters and the client. */
const save = (ports: PushedAuthorizationPorts, client: Client, params: MultiParams, now: number): TE.TaskEither<OAuthError, string> => {
  const reference = ports.random.token(32);
  const createdAt = Math.floor(now);
  const record: PushedRequestRecord = {
    requestUriHash: ports.secrets.hash(reference),
    clientId: client.clientId,
    params,
    createdAt,
    expiresAt: createdAt + ports.config.par.requestUriLifetime,
  };
  return pipe(ports.pushedRequests.save(record), TE.mapError(fromStoreError), TE.map(() => `${requestUriPrefix}${reference}`));
};

/**
 * The pushed authorization request endpoint (RFC 9126 §2): POST, form body; the client authenticates as at the token
 * endpoint (§2.1: `invalid_client` 401 otherwise); the parameters pass the authorization endpoint's validation; the
 * answer is 201 `{ request_uri, expires_in }` (§2.2) with `Cache-Control: no-store`. Errors are §2.3 JSON.
 */
const handlePush =
  (ports: PushedAuthorizationPorts) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    const now = ports.clock.now();
    const ctx = { config: ports.config, ports, now, request: req };
    const result = await pipe(
      TE.fromEither(readPushedParams(req)),
      TE.bindTo('params'),
      TE.bind('proof', () => pushProof(ports, req, now)),
      TE.bind('client', ({ params }) =>
        pipe(
          TE.fromEither(authenticationForm(params)),
          TE.flatMap((form): TE.TaskEither<OAuthError, AuthenticatedClient> => authenticateClient(form)(ctx)),
        ),
      ),
      TE.bind('pushed', ({ params, client, proof }) =>
        pipe(
          pushedParams(ports, client.client, params, now),
          TE.flatMap((pushed) => TE.fromEither(bindToProof(pushed, proof))),
        ),
      ),
      TE.bind('stored', ({ pushed, client }) => TE.fromEither(validatePushed(ports.config, client.client, pushed))),
      TE.flatMap(({ client, stored }) => save(ports, client.client, stored, now)),
    )();
    if (result._tag === 'Left') return failWith(ports.logger, 'pushed authorization', result.left);
    return json(201, { request_uri: result.right, expires_in: ports.config.par.requestUriLifetime }, noStore);
  };

/** The pushed authorization request route (`config.routes.pushedAuthorization`, POST). */
export const pushedAuthorizationRoute = (ports: PushedAuthorizationPorts): Route => ({
  path: ports.config.routes.pushedAuthorization,
  methods: ['POST'],
  handle: handlePush(ports),
});

/** What the authorization endpoint needs to use pushed requests. */
export interface PushedRequestUsePorts {
  readonly pushedRequests?: PushedRequestStore;
  readonly secrets: { readonly hash: (value: string) => string };
  readonly logger: Logger;
}

/** RFC 9126 §6 `require_pushed_authorization_requests`: server-wide, or for this client. */
export const pushedRequestRequired = (config: ServerConfig, client: Client): boolean => config.par.required || client.requirePushedAuthorizationRequests === true;

const refused = (description: string, detail: string): FatalAuthorizeError => fatalAuthorizeError('invalid_request', description, detail);

/**
 * RFC 9126 §4 at the authorization endpoint, after the client is known: a `request_uri` is used once, atomically
 * (`PushedRequestStore.use`), only by the client that pushed it and before it expires; its pushed parameters then
 * replace the query (the pushed request is the request). Without a `request_uri`, a client registered with
 * `require_pushed_authorization_requests` (or every client, when `config.par.required`) is refused (§6). Every
 * failure is an error page: the pushed redirect URI is not trusted before the request is.
 */
export const usePushedRequest = (
  config: ServerConfig,
  ports: PushedRequestUsePorts,
  sent: MultiParams,
  client: Client,
  now: number,
): TE.TaskEither<FatalAuthorizeError | OAuthError, MultiParams> => {
  const uris = sent['request_uri'];
  if (uris === undefined) {
    return pushedRequestRequired(config, client)
      ? TE.left(refused('This client must push its authorization requests (RFC 9126).', `client ${client.clientId} requires PAR`))
      : TE.right(sent);
  }
  const uri = uris.length === 1 ? uris[0] : undefined;
  const store = ports.pushedRequests;
  if (uri === undefined || sent['request'] !== undefined) return TE.left(refused('Send one request_uri, without a request object.', 'request_uri repeated or with request'));
  if (store === undefined || !uri.startsWith(requestUriPrefix)) {
    // RFC 9101 §7: only this server's own (RFC 9126 §2.2) request URIs are used; nothing is fetched from elsewhere.
    return TE.left(fatalAuthorizeError('request_uri_not_supported', 'Only request_uri values from this server\'s pushed authorization endpoint are supported.', 'foreign request_uri'));
  }
  return pipe(
    store.use(ports.secrets.hash(uri.slice(requestUriPrefix.length)), now),
    TE.mapError(fromStoreError),
    TE.flatMap((outcome): TE.TaskEither<FatalAuthorizeError | OAuthError, MultiParams> => {
      if (outcome._tag === 'NotFound') return TE.left(refused('The request_uri is invalid or expired.', 'unknown request_uri'));
      if (outcome._tag === 'AlreadyConsumed') return TE.left(refused('The request_uri has already been used.', 'request_uri replay'));
      const { record } = outcome;
      if (record.clientId !== client.clientId) return TE.left(refused('The request_uri was pushed by another client.', `request_uri of ${record.clientId} used by ${client.clientId}`));
      if (now >= record.expiresAt) return TE.left(refused('The request_uri is invalid or expired.', 'expired request_uri'));
      return TE.right(record.params);
    }),
  );
};
