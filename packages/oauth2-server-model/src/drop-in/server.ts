/**
 * `OAuth2Server`: the API of `@node-oauth/oauth2-server` 5 (constructor options, `token`, `authorize`,
 * `authenticate`, the `Request`/`Response` wrappers and the error classes) implemented on Grantor's core over the
 * model's ports, so an app changes its import line and keeps running.
 */
import { createAuthorizationServer, type AuthorizationServer, type AuthorizationServerPorts, type BearerResult, type HttpRequest, type HttpResponse, type ServerConfigInput } from '@grantor/core';
import { appendQuery } from '@grantor/core/extend';
import { encodeForm, nodeRuntime, reconstructBody, type NodeRuntime } from '@grantor/node';
import { callModel, hasFunction, type ModelAuthorizationCode, type ModelToken, type ModelUser, type OAuth2ServerModel } from '../model.js';
import { sameScope, scopeForModel, scopeFromModel } from '../mapping.js';
import { createModelAdapter, type ModelAdapter, type ModelAdapterOptions } from '../store.js';
import { runModelRequest, type ModelRun } from '../wrap.js';
import {
  AccessDeniedError,
  InsufficientScopeError,
  InvalidArgumentError,
  InvalidRequestError,
  InvalidScopeError,
  ServerError,
  UnauthorizedRequestError,
  errorFor,
  type OAuthError,
} from './errors.js';
import { Request, Response } from './request-response.js';

/** `authenticateHandler.handle(request, response)` returns the signed-in user (falsy: nobody). */
export interface AuthenticateHandler {
  handle(request: Request, response: Response): unknown;
}

/** The options of oauth2-server 5 (same names and defaults), plus `grantor` for what Grantor needs in addition. */
export interface OAuth2ServerOptions {
  readonly model: OAuth2ServerModel;
  readonly scope?: string | readonly string[];
  readonly addAcceptedScopesHeader?: boolean;
  readonly addAuthorizedScopesHeader?: boolean;
  readonly allowBearerTokensInQueryString?: boolean;
  readonly authenticateHandler?: AuthenticateHandler;
  readonly allowEmptyState?: boolean;
  /** Seconds (default 300). */
  readonly authorizationCodeLifetime?: number;
  /** Seconds (default 3600). */
  readonly accessTokenLifetime?: number;
  /** Seconds (default 1 209 600). */
  readonly refreshTokenLifetime?: number;
  readonly allowExtendedTokenAttributes?: boolean;
  readonly requireClientAuthentication?: Readonly<Record<string, boolean>>;
  /** Accepted for compatibility; Grantor always rotates refresh tokens (RFC 9700 §4.14.2), so `false` is ignored. */
  readonly alwaysIssueNewRefreshToken?: boolean;
  /** Not supported (Grantor grants are not `AbstractGrantType`s): a non-empty object is refused. */
  readonly extendedGrantTypes?: Readonly<Record<string, unknown>>;
  readonly enablePlainPKCE?: boolean;
  readonly grantor?: {
    /** The issuer (RFC 8414; `iss` of authorization responses, RFC 9207). Default `http://localhost`. */
    readonly issuer?: string;
    /** More of Grantor's configuration (e.g. `pkce.requiredFor: 'all'`). */
    readonly config?: Omit<Partial<ServerConfigInput>, 'issuer'>;
    readonly runtime?: NodeRuntime;
    readonly ports?: Partial<AuthorizationServerPorts>;
    readonly adapter?: Omit<ModelAdapterOptions, 'requireClientAuthentication' | 'allowExtendedTokenAttributes'>;
  };
  readonly [key: string]: unknown;
}

type Options = Partial<OAuth2ServerOptions>;

interface Built {
  readonly adapter: ModelAdapter;
  readonly server: AuthorizationServer;
}

const empty: HttpResponse = { _tag: 'Empty', status: 200, headers: {} };

/** The string parameters of a parsed query or body (arrays keep their values: the core refuses repeats). */
const paramsOf = (...sources: unknown[]): Record<string, unknown> =>
  Object.assign({}, ...sources.filter((s) => typeof s === 'object' && s !== null)) as Record<string, unknown>;

const stringParam = (params: Readonly<Record<string, unknown>>, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const instancesOrThrow = (request: unknown, response: unknown): void => {
  if (!(request instanceof Request)) throw new InvalidArgumentError('Invalid argument: `request` must be an instance of Request');
  if (!(response instanceof Response)) throw new InvalidArgumentError('Invalid argument: `response` must be an instance of Response');
};

/** Copies Grantor's answer onto the library's `Response` (status, headers, body or redirect). */
const applyTo = (response: Response, http: HttpResponse): void => {
  for (const [name, value] of Object.entries(http.headers)) response.set(name, value);
  if (http._tag === 'Redirect') {
    response.redirect(http.location);
    return;
  }
  response.status = http.status;
  if (http._tag === 'Json' && typeof http.body === 'object' && http.body !== null) response.body = { ...(http.body as Record<string, unknown>) };
};

/** The error of an RFC JSON error body, else `undefined`. */
const jsonError = (http: HttpResponse): OAuthError | undefined => {
  if (http._tag !== 'Json' || http.status < 400) return undefined;
  const body = http.body as { readonly error?: unknown; readonly error_description?: unknown };
  return errorFor(String(body.error ?? 'server_error'), typeof body.error_description === 'string' ? body.error_description : '', http.status);
};

/** The error of an authorization error redirect (`error` in the query), else `undefined`. */
const redirectError = (location: string): OAuthError | undefined => {
  try {
    const url = new URL(location);
    const code = url.searchParams.get('error');
    return code === null ? undefined : errorFor(code, url.searchParams.get('error_description') ?? '', 400);
  } catch {
    return undefined;
  }
};

/** The error of Grantor's HTML error page (an untrusted client or redirect URI: never redirected). */
const pageError = (http: HttpResponse): OAuthError | undefined => {
  if (http._tag !== 'Html') return undefined;
  const code = /Error code: <code>([^<]+)<\/code>/.exec(http.html)?.[1] ?? 'server_error';
  const description = /<p>([^<]*)<\/p>/.exec(http.html)?.[1] ?? '';
  return errorFor(code, description, http.status);
};

export class OAuth2Server {
  options: OAuth2ServerOptions;
  readonly #servers = new Map<string, Built>();

  constructor(options: OAuth2ServerOptions) {
    if (!options?.model) throw new InvalidArgumentError('Missing parameter: `model`');
    if (options.extendedGrantTypes !== undefined && Object.keys(options.extendedGrantTypes).length > 0) {
      throw new InvalidArgumentError('Invalid argument: `extendedGrantTypes` are not supported by @grantor/oauth2-server-model');
    }
    this.options = options;
  }

  /** The Grantor server for these options (one per distinct set of settings Grantor's config depends on). */
  #built(options: Options): Built {
    const model = options.model ?? this.options.model;
    const grantor = options.grantor ?? {};
    const settings = {
      accessTokenLifetime: options.accessTokenLifetime ?? 3600,
      refreshTokenLifetime: options.refreshTokenLifetime ?? 1_209_600,
      authorizationCodeLifetime: options.authorizationCodeLifetime ?? 300,
      enablePlainPKCE: options.enablePlainPKCE === true,
      requireClientAuthentication: options.requireClientAuthentication ?? {},
      allowExtendedTokenAttributes: options.allowExtendedTokenAttributes === true,
    };
    const key = JSON.stringify(settings);
    const known = this.#servers.get(key);
    if (known !== undefined && model === this.options.model) return known;
    const runtime = grantor.runtime ?? nodeRuntime({ logger: { log: () => undefined } });
    const adapter = createModelAdapter(model, {
      logger: runtime.logger,
      clock: runtime.clock,
      secrets: runtime.secrets,
      ...grantor.adapter,
      requireClientAuthentication: settings.requireClientAuthentication,
      allowExtendedTokenAttributes: settings.allowExtendedTokenAttributes,
    });
    const config = grantor.config ?? {};
    const server = createAuthorizationServer(
      {
        grantTypes: adapter.store.grantTypes,
        ...config,
        issuer: grantor.issuer ?? 'http://localhost',
        interactionUrl: '/__oauth2-server-model/interaction/{id}',
        lifetimes: {
          ...config.lifetimes,
          accessToken: settings.accessTokenLifetime,
          refreshToken: settings.refreshTokenLifetime,
          authorizationCode: settings.authorizationCodeLifetime,
        },
        pkce: { requiredFor: 'public', ...config.pkce, allowPlain: settings.enablePlainPKCE },
        refreshTokens: { ...config.refreshTokens, reuseGraceSeconds: 0 },
      },
      { ...runtime, ...adapter.store, ...grantor.ports } as AuthorizationServerPorts,
    );
    const built = { adapter, server };
    if (model === this.options.model) this.#servers.set(key, built);
    return built;
  }

  #run(built: Built, req: HttpRequest | undefined, call: () => Promise<HttpResponse>, prepare?: Parameters<typeof runModelRequest>[4]): Promise<ModelRun> {
    return runModelRequest(built.adapter.deps, built.server, req, call, prepare);
  }

  /**
   * RFC 6750 §2: checks the request's access token (header, form body, or — with `allowBearerTokensInQueryString` —
   * query) and resolves to the model's token from `getAccessToken`. `options.scope` is checked with the model's
   * `verifyScope`. Rejects with `UnauthorizedRequestError`, `InvalidRequestError`, `InvalidTokenError`,
   * `InsufficientScopeError` or `ServerError`; `WWW-Authenticate` is set on the response.
   */
  async authenticate(request: Request, response: Response, options?: Options): Promise<ModelToken> {
    const opts: Options = { addAcceptedScopesHeader: true, addAuthorizedScopesHeader: true, allowBearerTokensInQueryString: false, ...this.options, ...options };
    const model = opts.model ?? this.options.model;
    if (!hasFunction(model, 'getAccessToken')) throw new InvalidArgumentError('Invalid argument: model does not implement `getAccessToken()`');
    const scope = opts.scope === undefined ? undefined : scopeFromModel(opts.scope);
    if (scope !== undefined && !hasFunction(model, 'verifyScope')) throw new InvalidArgumentError('Invalid argument: model does not implement `verifyScope()`');
    instancesOrThrow(request, response);
    const built = this.#built(opts);
    const contentType = request.get('content-type');
    const req: HttpRequest = {
      method: request.method.toUpperCase(),
      path: '/',
      query: encodeForm(request.query),
      headers: request.headers,
      body: request.method.toUpperCase() === 'GET' ? undefined : reconstructBody(contentType, request.body),
    };
    let result: BearerResult | undefined;
    const run = await this.#run(built, undefined, async () => {
      result = await built.server.bearer(req, { allowQuery: opts.allowBearerTokensInQueryString === true });
      return empty;
    });
    const outcome = result;
    if (outcome === undefined) throw new ServerError('Server error: the bearer check did not run');
    if (outcome._tag === 'Rejected') {
      const challenge = outcome.response.headers['www-authenticate'];
      if (challenge !== undefined) response.set('WWW-Authenticate', challenge);
      throw jsonError(outcome.response) ?? (outcome.response.status === 401 ? new UnauthorizedRequestError('Unauthorized request: no authentication given') : new ServerError());
    }
    const token = run.work.accessTokens.get(outcome.auth.tokenId);
    if (token === undefined) throw new ServerError('Server error: the access token was not loaded from the model');
    if (scope !== undefined) {
      const verified = await callModel(model, 'verifyScope', token, scopeForModel(scope, built.adapter.deps.version));
      if (!verified) {
        response.set('WWW-Authenticate', `Bearer realm="${built.server.config.issuer}", error="insufficient_scope"`);
        throw new InsufficientScopeError('Insufficient scope: authorized scope is insufficient');
      }
      if (token.scope !== undefined && token.scope !== null) {
        if (opts.addAcceptedScopesHeader === true) response.set('X-Accepted-OAuth-Scopes', scope.join(' '));
        if (opts.addAuthorizedScopesHeader === true) response.set('X-OAuth-Scopes', scopeFromModel(token.scope).join(' '));
      }
    }
    return token;
  }

  /**
   * RFC 6749 §4.1.1–4.1.2: the authorization request of a signed-in user (from `authenticateHandler`, else the
   * request's bearer token). Redirects (302) to the client with a code and resolves to the model's saved code; an
   * error is redirected when the client and redirect URI are trusted, and rejected with the matching error class.
   * `allowed=false` denies (`AccessDeniedError`).
   */
  async authorize(request: Request, response: Response, options?: Options): Promise<ModelAuthorizationCode> {
    const opts: Options = { allowEmptyState: false, authorizationCodeLifetime: 300, ...this.options, ...options };
    if (opts.authenticateHandler !== undefined && typeof opts.authenticateHandler.handle !== 'function') {
      throw new InvalidArgumentError('Invalid argument: authenticateHandler does not implement `handle()`');
    }
    instancesOrThrow(request, response);
    const built = this.#built(opts);
    const { server } = built;
    const { deps } = built.adapter;
    const user = await this.#userOf(request, response, opts);
    const params = paramsOf(request.query, request.body);
    const { allowed, ...oauthParams } = params;
    // oauth2-server 5 defaults a challenge without a method to S256 (plain only with enablePlainPKCE).
    if (stringParam(params, 'code_challenge') !== undefined && stringParam(params, 'code_challenge_method') === undefined) {
      oauthParams['code_challenge_method'] = opts.enablePlainPKCE === true ? 'plain' : 'S256';
    }
    const req: HttpRequest = { method: 'GET', path: server.config.routes.authorization, query: encodeForm(oauthParams), headers: {}, body: undefined };
    let thrown: OAuthError | undefined;
    const currentRun: { work?: ModelRun['work'] } = {};
    const refuse = (error: OAuthError, redirectUri: string): HttpResponse => {
      thrown = error;
      const state = stringParam(params, 'state');
      return { _tag: 'Redirect', status: 302, headers: { 'cache-control': 'no-store' }, location: appendQuery(redirectUri, { error: String(error['name']), error_description: error.message, state, iss: server.config.issuer }) };
    };
    const run = await this.#run(
      built,
      req,
      async () => {
        const first = await server.handle(req);
        const location = first._tag === 'Redirect' ? first.location : '';
        const id = /^\/__oauth2-server-model\/interaction\/([^/?#]+)$/.exec(location)?.[1];
        if (id === undefined) {
          thrown = pageError(first) ?? redirectError(location) ?? jsonError(first) ?? new ServerError();
          return first;
        }
        const interaction = decodeURIComponent(id);
        if (allowed === 'false') {
          thrown = new AccessDeniedError('Access denied: user denied access to application');
          return server.interactions.deny(interaction);
        }
        const found = await server.interactions.details(interaction);
        if (found._tag === 'Invalid') {
          thrown = errorFor(found.error.code, found.error.description, 400);
          return empty;
        }
        const { redirectUri, scope, clientId } = found.details.interaction;
        const closeWith = async (error: OAuthError) => {
          await server.interactions.deny(interaction);
          return refuse(error, redirectUri);
        };
        if (stringParam(params, 'state') === undefined && opts.allowEmptyState !== true) return closeWith(new InvalidRequestError('Missing parameter: `state`'));
        const work = currentRun.work;
        const client = work?.clients.get(clientId);
        if (hasFunction(deps.model, 'validateScope') && client !== undefined && work !== undefined) {
          const validated = await callModel(deps.model, 'validateScope', user, client, scope.length === 0 ? undefined : scopeForModel(scope, deps.version));
          if (!validated || (scope.length > 0 && !sameScope(scopeFromModel(validated), scope))) return closeWith(new InvalidScopeError('Invalid scope: Requested scope is invalid'));
          work.scopeValidated = true;
        }
        const subject = deps.subject(user);
        if (subject === undefined) {
          thrown = new ServerError('Server error: the user object has no id (set grantor.adapter.subject)');
          return closeWith(thrown);
        }
        const finished = await server.interactions.finish(interaction, { subject, scope, authTime: Math.floor(deps.clock.now()), rememberConsent: false });
        if (finished._tag === 'Redirect') thrown = redirectError(finished.location);
        else thrown = pageError(finished) ?? new ServerError();
        return finished;
      },
      (work) => {
        work.user = user;
        currentRun.work = work;
      },
    );
    if (run.response._tag === 'Redirect') applyTo(response, run.response);
    if (thrown !== undefined) throw thrown;
    if (run.work.savedCode === undefined) throw new ServerError('Server error: no authorization code was saved');
    return run.work.savedCode;
  }

  /** The signed-in user: `authenticateHandler.handle`, else the user of the request's access token. */
  async #userOf(request: Request, response: Response, opts: Options): Promise<ModelUser> {
    if (opts.authenticateHandler !== undefined) {
      const user = await opts.authenticateHandler.handle(request, response);
      if (!user || typeof user !== 'object') throw new ServerError('Server error: `handle()` did not return a `user` object');
      return user as ModelUser;
    }
    const token = await this.authenticate(request, response, opts);
    return token.user;
  }

  /**
   * RFC 6749 §3.2: a token request (`authorization_code` with PKCE, `refresh_token`, `client_credentials`, `password`
   * — those the model implements). Resolves to the model's saved token (`saveToken`'s result) and fills the response
   * with the RFC 6749 §5.1 body; errors fill it with the §5.2 body and reject with the matching error class.
   */
  async token(request: Request, response: Response, options?: Options): Promise<ModelToken> {
    instancesOrThrow(request, response);
    const opts: Options = { ...this.options, ...options };
    const built = this.#built(opts);
    const req: HttpRequest = {
      method: request.method.toUpperCase(),
      path: built.server.config.routes.token,
      query: '',
      headers: request.headers,
      body: reconstructBody(request.get('content-type'), request.body),
    };
    const run = await this.#run(built, req, () => built.server.handle(req));
    applyTo(response, run.response);
    const error = jsonError(run.response);
    if (error !== undefined) throw error;
    if (run.work.savedToken === undefined) throw new ServerError('Server error: no token was saved');
    return run.work.savedToken;
  }
}
