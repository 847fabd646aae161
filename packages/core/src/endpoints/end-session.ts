import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client } from '../domain/client.js';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { parseFormText, readFormBody, type FormParams } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { html, redirect, type HttpResponse } from '../http/http-response.js';
import { verifyJws } from '../keys/verify.js';
import type { Signer } from '../ports/keys.js';
import type { Logger } from '../ports/runtime.js';
import type { SessionPort } from '../ports/sessions.js';
import type { ClientStore } from '../ports/stores.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import { appendQuery } from './authorization-response.js';
import { errorPage, escapeHtml } from './error-page.js';
import { logError } from './render-error.js';
import { optional } from '../domain/optional.js';

export interface EndSessionPorts {
  readonly config: ServerConfig;
  readonly clients: ClientStore;
  readonly signer: Pick<Signer, 'publicJwks'>;
  readonly logger: Logger;
  /** The host's sessions (optional): told about every accepted logout. */
  readonly sessions?: SessionPort;
}

/** The parameters of RP-Initiated Logout 1.0 §2 this endpoint reads (others, e.g. `ui_locales`, are ignored). */
interface LogoutParams {
  readonly idTokenHint?: string;
  readonly clientId?: string;
  readonly postLogoutRedirectUri?: string;
  readonly state?: string;
}

/** What a valid `id_token_hint` tells: who logs out, from which client(s) and session. */
interface Hint {
  readonly subject: string;
  readonly audience: readonly string[];
  /** OpenID Connect Core §2 `azp`: the client the ID token was issued to (set by Grantor on every ID token). */
  readonly authorizedParty?: string;
  readonly sessionId?: string;
}

/** A validated logout: the client (when identified), the hint (when given) and where to send the user agent. */
interface Logout {
  readonly client?: Client;
  readonly hint?: Hint;
  readonly redirectTo?: string;
  readonly state?: string;
}

/**
 * RP-Initiated Logout 1.0 §2: the RP sends the logout request with GET (query) or POST (form-serialised body, which
 * must then be `application/x-www-form-urlencoded`). Repeated or malformed parameters are `invalid_request`.
 */
const readParams = (req: HttpRequest): E.Either<OAuthError, LogoutParams> =>
  pipe(
    req.method === 'POST' ? readFormBody(req) : parseFormText(req.query),
    E.map((p: FormParams) => ({
      ...optional('idTokenHint', p['id_token_hint']),
      ...optional('clientId', p['client_id']),
      ...optional('postLogoutRedirectUri', p['post_logout_redirect_uri']),
      ...optional('state', p['state']),
    })),
  );

const badHint = (detail: string): OAuthError => invalidRequest('The id_token_hint is not a valid ID token issued by this server.', detail);

const audienceOf = (aud: unknown): readonly string[] | undefined =>
  typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string') ? (aud as string[]) : undefined;

/**
 * RP-Initiated Logout 1.0 §2 `id_token_hint`: an ID token this OP issued, verified against our own published keys
 * (next, active and retired). Its `iss` must be ours. An expired hint is accepted (the RP logs out after the ID token's
 * lifetime; §2: "the OP SHOULD accept ID Tokens ... even when expired"), a bad signature or another issuer is not. An
 * RFC 9068 access token (`typ: at+jwt`), signed with the same keys, is not an ID token.
 */
const verifyHint = (deps: EndSessionPorts, token: string): TE.TaskEither<OAuthError, Hint> =>
  pipe(
    deps.signer.publicJwks(),
    TE.mapError(fromStoreError),
    TE.flatMap((jwks) => pipe(verifyJws(token, jwks), TE.mapError(badHint))),
    TE.flatMap(({ header, payload }) => {
      const typ = header['typ'];
      if (typeof typ === 'string' && typ.toLowerCase() !== 'jwt') return TE.left(badHint(`typ ${typ}`));
      if (payload['iss'] !== deps.config.issuer) return TE.left(badHint(`iss ${String(payload['iss'])}`));
      const sub = payload['sub'];
      const audience = audienceOf(payload['aud']);
      if (typeof sub !== 'string' || sub === '' || audience === undefined) return TE.left(badHint('no sub or aud'));
      const sid = payload['sid'];
      const azp = payload['azp'];
      return TE.right({
        subject: sub,
        audience,
        ...optional('authorizedParty', typeof azp === 'string' && audience.includes(azp) ? azp : undefined),
        ...optional('sessionId', typeof sid === 'string' ? sid : undefined),
      });
    }),
  );

/**
 * The client of the logout: `client_id`, else the hint's single audience (or its `azp` among several audiences).
 * RP-Initiated Logout 1.0 §2: when both are given, `client_id` must be an audience of the ID token. An unknown client
 * is an error (never a redirect).
 */
const clientOf = (deps: EndSessionPorts, params: LogoutParams, hint: Hint | undefined): TE.TaskEither<OAuthError, Client | undefined> => {
  if (params.clientId !== undefined && hint !== undefined && !hint.audience.includes(params.clientId)) {
    return TE.left(invalidRequest('The client_id does not match the id_token_hint.', 'client_id not in aud'));
  }
  const clientId = params.clientId ?? (hint?.audience.length === 1 ? hint.audience[0] : hint?.authorizedParty);
  if (clientId === undefined) return TE.right(undefined);
  return pipe(
    deps.clients.find(clientId),
    TE.mapError(fromStoreError),
    TE.flatMap(O.match(() => TE.left(invalidRequest('The client is not known to this server.', `unknown client ${clientId}`)), (c) => TE.right<OAuthError, Client | undefined>(c))),
  );
};

/**
 * RP-Initiated Logout 1.0 §3: `post_logout_redirect_uri` must exactly match one of the client's registered
 * `post_logout_redirect_uris` (simple string comparison); without an identified client it cannot be checked, so it is
 * refused (§2: the OP must not redirect unless it can confirm the target is the RP's).
 */
const redirectTarget = (params: LogoutParams, client: Client | undefined): E.Either<OAuthError, string | undefined> => {
  const uri = params.postLogoutRedirectUri;
  if (uri === undefined) return E.right(undefined);
  if (client === undefined) return E.left(invalidRequest('A post_logout_redirect_uri needs client_id or id_token_hint.', 'redirect without client'));
  return client.postLogoutRedirectUris.includes(uri)
    ? E.right(uri)
    : E.left(invalidRequest('The post_logout_redirect_uri is not registered for this client.', `unregistered ${uri} for ${client.clientId}`));
};

/** Validates a logout request (every step of RP-Initiated Logout 1.0 §2–§3); nothing is ended yet. */
const validate = (deps: EndSessionPorts, req: HttpRequest): TE.TaskEither<OAuthError, Logout> =>
  pipe(
    TE.fromEither(readParams(req)),
    TE.bindTo('params'),
    TE.bind('hint', ({ params }) => (params.idTokenHint === undefined ? TE.right(undefined) : verifyHint(deps, params.idTokenHint))),
    TE.bind('client', ({ params, hint }) => clientOf(deps, params, hint)),
    TE.bind('redirectTo', ({ params, client }) => TE.fromEither(redirectTarget(params, client))),
    TE.map(({ params, hint, client, redirectTo }) => ({
      ...optional('client', client),
      ...optional('hint', hint),
      ...optional('redirectTo', redirectTo),
      ...optional('state', params.state),
    })),
  );

/** Tells the host's session port (when there is one) that this user's session ends. */
const endHostSession = (deps: EndSessionPorts, req: HttpRequest, logout: Logout): TE.TaskEither<OAuthError, Logout> => {
  const sessions = deps.sessions;
  if (sessions === undefined) return TE.right(logout);
  return pipe(
    TE.of(undefined),
    TE.flatMap(() => sessions.endSession(logout.hint?.subject, logout.client?.clientId, { request: req, ...optional('sessionId', logout.hint?.sessionId) })),
    TE.mapError(fromStoreError),
    TE.map(() => logout),
  );
};

const pageHeaders = { 'x-frame-options': 'DENY', 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'referrer-policy': 'no-referrer' };

/** The page shown when the RP gave no post-logout redirect URI (RP-Initiated Logout 1.0 §3). */
const signedOutPage = (): HttpResponse =>
  html(
    200,
    [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>',
      '<body>',
      '<h1>You have been signed out</h1>',
      '<p>You can close this window.</p>',
      '</body></html>',
    ].join('\n'),
    pageHeaders,
  );

/**
 * RP-Initiated Logout 1.0 §2: without an `id_token_hint` the OP cannot tell that the End-User asked for the logout,
 * and "SHOULD ask the End-User whether to log out". A bare GET (a link or an image any site can plant: logout CSRF)
 * gets this confirmation form instead; the logout happens when the user sends it (POST, where the SameSite=Lax
 * session cookie only travels from the OP's own page).
 */
const confirmationPage = (logout: Logout): HttpResponse => {
  const hidden = [
    ['client_id', logout.client?.clientId],
    ['post_logout_redirect_uri', logout.redirectTo],
    ['state', logout.state],
  ].flatMap(([name, value]) => (value === undefined ? [] : [`<input type="hidden" name="${name}" value="${escapeHtml(value)}">`]));
  return html(
    200,
    [
      '<!doctype html>',
      '<html lang="en"><head><meta charset="utf-8"><title>Sign out?</title></head>',
      '<body>',
      '<h1>Sign out?</h1>',
      `<p>${logout.client === undefined ? 'A site asked to sign you out.' : `${escapeHtml(logout.client.clientName ?? logout.client.clientId)} asked to sign you out.`}</p>`,
      '<form method="post" action="">',
      ...hidden,
      '<button type="submit" name="logout" value="confirm">Sign out</button>',
      '</form>',
      '</body></html>',
    ].join('\n'),
    pageHeaders,
  );
};

/** RP-Initiated Logout 1.0 §3: redirect to the validated URI with `state` echoed, or the signed-out page. */
const answer = (logout: Logout): HttpResponse =>
  logout.redirectTo === undefined ? signedOutPage() : redirect(appendQuery(logout.redirectTo, { state: logout.state }), 303);

/** RP-Initiated Logout 1.0 §4: errors are shown to the user, never redirected (the target could not be trusted). */
const logoutErrorPage = (error: OAuthError): HttpResponse =>
  errorPage(
    error.code === 'server_error' ? 500 : error.code === 'temporarily_unavailable' ? 503 : 400,
    error.code,
    error.description,
    'The sign-out request could not be completed, so you have not been redirected back to the application.',
  );

/**
 * OpenID Connect RP-Initiated Logout 1.0 end-session endpoint (`end_session_endpoint`), GET and POST (§2). Validates
 * `id_token_hint`, `client_id` and `post_logout_redirect_uri`; a GET without `id_token_hint` then asks the user (a
 * confirmation form that POSTs the same request, see `confirmationPage`); otherwise it calls the host's `sessions.endSession` (the core
 * cannot end the host's login session itself) and answers with a 303 to the post-logout URI (with `state`) or an HTML
 * "signed out" page. Any invalid request is an HTML error page (§4), never a redirect; nothing is ended then.
 */
export const endSessionRoute = (deps: EndSessionPorts): Route => ({
  path: deps.config.routes.endSession,
  methods: ['GET', 'POST'],
  handle: async (req: HttpRequest): Promise<HttpResponse> => {
    const outcome = await pipe(
      validate(deps, req),
      TE.flatMap((logout): TE.TaskEither<OAuthError, HttpResponse> =>
        req.method !== 'POST' && logout.hint === undefined ? TE.right(confirmationPage(logout)) : pipe(endHostSession(deps, req, logout), TE.map(answer)),
      ),
    )();
    if (E.isRight(outcome)) return outcome.right;
    logError(deps.logger, 'end_session', outcome.left);
    return logoutErrorPage(outcome.left);
  },
});
