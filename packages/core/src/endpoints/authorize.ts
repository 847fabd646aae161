import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client } from '../domain/client.js';
import type { InteractionRecord } from '../domain/records.js';
import { fatalAuthorizeError, type FatalAuthorizeError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { HttpRequest } from '../http/http-request.js';
import { redirect, type HttpResponse } from '../http/http-response.js';
import { utf8Decode } from '../http/encoding.js';
import { isFormContentType } from '../http/form-urlencoded.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { ClientStore, InteractionStore, ReplayCache } from '../ports/stores.js';
import type { JwksFetcher } from '../ports/jwks-fetcher.js';
import { signedRequestObjectRequired, verifyRequestObject } from '../jar/request-object.js';
import type { PushedRequestStore } from '../ports/pushed-requests.js';
import { pushedRequestRequired, usePushedRequest } from './pushed-authorization.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import {
  echoState,
  parseMultiParams,
  requireClientId,
  resolveRedirectUri,
  validateAuthorizeRequest,
  type AuthorizeRequest,
  type MultiParams,
} from './authorize-request.js';
import { errorRedirect } from './authorization-response.js';
import { authorizeErrorPage } from './error-page.js';
import { optional } from '../domain/optional.js';
import { resourcesWhen, type RegistryPorts } from '../resources/catalog.js';

/** The ports the authorization endpoint uses. */
export interface AuthorizePorts extends RegistryPorts {
  readonly clients: ClientStore;
  readonly interactions: InteractionStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  readonly secrets: SecretHasher;
  /** RFC 9126 pushed requests (`request_uri`); without it a `request_uri` is refused. */
  readonly pushedRequests?: PushedRequestStore;
  /** RFC 9101: single use of a request object's `jti`. */
  readonly replay: ReplayCache;
  /** RFC 9101: the keys of clients registered with `jwks_uri` (request objects of other clients need none). */
  readonly jwksFetcher?: JwksFetcher;
}

/** Why an authorization request did not lead to an interaction: shown as a page, or sent to the redirect URI. */
type Failure =
  | { readonly _tag: 'Fatal'; readonly error: FatalAuthorizeError }
  | { readonly _tag: 'Redirect'; readonly error: OAuthError; readonly redirectUri: string; readonly state: string | undefined };

const fatal = (error: FatalAuthorizeError): Failure => ({ _tag: 'Fatal', error });
const keptCodes: readonly FatalAuthorizeError['code'][] = ['temporarily_unavailable', 'server_error', 'invalid_request_object', 'request_uri_not_supported'];
const fatalFromOAuth = (e: OAuthError): Failure => {
  const kept = keptCodes.find((c) => c === e.code);
  return fatal(fatalAuthorizeError(kept ?? 'invalid_request', e.description, e.detail));
};

/**
 * RFC 6749 §4.1.1: the request is sent with GET in the query; OpenID Connect Core §3.1.2.1 also allows POST with a
 * form-encoded body.
 */
const readParams = (req: HttpRequest): E.Either<Failure, MultiParams> => {
  if (req.method === 'POST') {
    if (!isFormContentType(req.headers['content-type'])) {
      return E.left(fatal(fatalAuthorizeError('invalid_request', 'The authorization request body must be application/x-www-form-urlencoded.')));
    }
    const text = req.body === undefined ? '' : utf8Decode(req.body);
    if (text === undefined) return E.left(fatal(fatalAuthorizeError('invalid_request', 'The request body is not valid UTF-8.')));
    return pipe(parseMultiParams(text), E.mapLeft(fatalFromOAuth));
  }
  return pipe(parseMultiParams(req.query), E.mapLeft(fatalFromOAuth));
};

/** RFC 6749 §4.1.2.1 / RFC 9700 §4.11: an unknown client is shown an error page and never redirected. */
const findClient = (ports: AuthorizePorts, params: MultiParams) =>
  pipe(
    TE.fromEither(pipe(requireClientId(params), E.mapLeft(fatal))),
    TE.flatMap((clientId) =>
      pipe(
        ports.clients.find(clientId),
        TE.mapError((e) => fatalFromOAuth(fromStoreError(e))),
        TE.flatMap(TE.fromOption(() => fatal(fatalAuthorizeError('invalid_client', 'The client is unknown.', `unknown client_id ${clientId}`)))),
      ),
    ),
  );

const interactionRecord = (config: ServerConfig, id: string, now: number, r: AuthorizeRequest): InteractionRecord => {
  const createdAt = Math.floor(now);
  return {
    id,
    kind: 'authorization_code',
    clientId: r.client.clientId,
    redirectUri: r.redirectUri,
    scope: r.scope,
    prompt: r.prompt,
    responseMode: 'query',
    createdAt,
    expiresAt: createdAt + config.lifetimes.interaction,
    ...optional('state', r.state),
    ...optional('pkce', r.pkce),
    ...optional('nonce', r.nonce),
    ...optional('maxAge', r.maxAge),
    ...optional('loginHint', r.loginHint),
    ...optional('uiLocales', r.uiLocales),
    ...optional('claims', r.claims),
    ...optional('resource', r.resource),
    ...optional('dpopJkt', r.dpopJkt),
  };
};

/** The URL of the host's interaction page for an interaction id (`{id}` in `config.interactionUrl`). */
const interactionLocation = (config: ServerConfig, id: string): string => config.interactionUrl.split('{id}').join(encodeURIComponent(id));

/**
 * RFC 6749 §4.1.2.1: once the client and its redirect URI are trusted, every other check's error is sent to that URI
 * (with `state`). A valid request becomes a pending interaction record, saved.
 */
const createInteraction = (config: ServerConfig, ports: AuthorizePorts, params: MultiParams, client: Client, redirectUri: string): TE.TaskEither<Failure, InteractionRecord> => {
  const toRedirect = (error: OAuthError): Failure => ({ _tag: 'Redirect', error, redirectUri, state: echoState(params) });
  const now = ports.clock.now();
  return pipe(
    // RFC 8707: the registry is read only when the request names a resource.
    resourcesWhen(config, ports, params['resource'] !== undefined),
    TE.mapError(toRedirect),
    TE.flatMap((resources) => TE.fromEither(pipe(validateAuthorizeRequest(config, client, redirectUri, params, params['resource'] === undefined ? config.resources : resources), E.mapLeft(toRedirect)))),
    TE.map((request) => interactionRecord(config, ports.random.token(32), now, request)),
    TE.tap((record) => pipe(ports.interactions.save(record), TE.mapError((e) => toRedirect(fromStoreError(e))))),
  );
};

/**
 * Where the request's parameters come from, once the client is known: a pushed request (`request_uri`, RFC 9126 §4),
 * a signed request object (`request`, RFC 9101 §6.3: then ONLY its parameters count, whatever else the query
 * carries), or the query itself. A client (or server) requiring PAR refuses the last two, one requiring signed
 * request objects (RFC 9101 §10.5) the last (its pushed requests were checked when pushed). Failures are error pages:
 * the redirect URI is not trusted before the request is.
 */
const requestParams = (
  config: ServerConfig,
  ports: AuthorizePorts,
  sent: MultiParams,
  client: Client,
  now: number,
): TE.TaskEither<FatalAuthorizeError | OAuthError, MultiParams> => {
  const objects = sent['request'];
  if (objects === undefined || sent['request_uri'] !== undefined || pushedRequestRequired(config, client)) {
    if (objects === undefined && sent['request_uri'] === undefined && signedRequestObjectRequired(config, client)) {
      return TE.left(fatalAuthorizeError('invalid_request', 'This client must send a signed request object (RFC 9101).', `client ${client.clientId} requires JAR`));
    }
    return usePushedRequest(config, ports, sent, client, now);
  }
  const [object] = objects;
  if (objects.length !== 1 || object === undefined) return TE.left(fatalAuthorizeError('invalid_request', 'The request parameter is repeated.'));
  return verifyRequestObject(config, ports, client, object, now);
};

/**
 * The authorization endpoint (RFC 6749 §4.1.1). In order: client (unknown → error page), a pushed request (RFC 9126
 * §4: `request_uri` replaces the query; required for some clients), redirect URI (exact match →
 * otherwise error page), then every other check with errors sent to the redirect URI (RFC 6749 §4.1.2.1, with `iss`
 * per RFC 9207 §2). A valid request becomes a pending interaction and the user agent is sent (303) to the host's
 * interaction page, which authenticates the user, asks for consent and finishes it through `server.interactions`.
 */
export const handleAuthorize =
  (config: ServerConfig, ports: AuthorizePorts) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    const result = await pipe(
      TE.fromEither(readParams(req)),
      TE.bindTo('sent'),
      TE.bind('client', ({ sent }) => findClient(ports, sent)),
      TE.bind('params', ({ sent, client }) =>
        pipe(
          requestParams(config, ports, sent, client, ports.clock.now()),
          TE.mapError((e) => (e._tag === 'OAuthError' ? fatalFromOAuth(e) : fatal(e))),
        ),
      ),
      TE.bind('redirectUri', ({ params, client }) => TE.fromEither(pipe(resolveRedirectUri(client, params), E.mapLeft(fatal)))),
      TE.flatMap(({ params, client, redirectUri }) => createInteraction(config, ports, params, client, redirectUri)),
    )();
    return pipe(
      result,
      E.match(
        (failure) => render(config, ports.logger, failure),
        (record) => redirect(interactionLocation(config, record.id), 303),
      ),
    );
  };

const render = (config: ServerConfig, logger: Logger, failure: Failure): HttpResponse => {
  const { error } = failure;
  if (error.detail !== undefined || error.code === 'server_error' || error.code === 'temporarily_unavailable') {
    logger.log(error.code === 'server_error' ? 'error' : 'info', `authorization request refused: ${error.code}`, {
      ...optional('detail', error.detail),
      ...('cause' in error && error.cause !== undefined ? { cause: error.cause } : {}),
    });
  }
  return failure._tag === 'Fatal' ? authorizeErrorPage(failure.error) : errorRedirect(config.issuer, failure.redirectUri, failure.error, failure.state);
};

/** The authorization endpoint as a route (GET and POST at `config.routes.authorization`). */
export const authorizeRoute = (ports: AuthorizePorts & { readonly config: ServerConfig }): Route => ({
  path: ports.config.routes.authorization,
  methods: ['GET', 'POST'],
  handle: handleAuthorize(ports.config, ports),
});
