/**
 * The end of a token request: the access token and refresh token Grantor issued are saved with ONE `saveToken` call
 * (as oauth2-server does), after `validateScope` and the model's token generators, BEFORE the response leaves. When
 * the model refuses or fails, the client gets an error instead of the tokens (nothing was saved; a code or refresh
 * token consumed earlier in the request stays consumed, as in oauth2-server).
 */
import { type HttpResponse, type OAuthError } from '@grantor/core';
import { fromStoreError, looksLikeJws, renderError } from '@grantor/core/extend';
import { formatScope, oauthError } from '@grantor/core/extend';
import { callModel, hasFunction, type ModelClient, type ModelScope, type ModelUser } from './model.js';
import { dateOf, isObject, sameScope, scopeForModel, scopeFromModel } from './mapping.js';
import { modelClientOf } from './ports/clients.js';
import { userOf, valueOf } from './ports/codes.js';
import { fail, modelBroken, modelFault, StoreFailure, type ModelDeps } from './ports/shared.js';
import type { Work } from './work.js';

/** The members of a saved token oauth2-server itself knows; `allowExtendedTokenAttributes` copies the others. */
const standardMembers = new Set(['accessToken', 'accessTokenExpiresAt', 'refreshToken', 'refreshTokenExpiresAt', 'scope', 'client', 'user', 'authorizationCode']);
const responseMembers = new Set(['access_token', 'token_type', 'expires_in', 'refresh_token', 'scope', 'id_token', 'issued_token_type']);

const refuse = (deps: ModelDeps, error: OAuthError): HttpResponse => {
  deps.logger.log(error.code === 'server_error' || error.code === 'temporarily_unavailable' ? 'error' : 'info', `oauth2-server model: ${error.code}`, {
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.cause === undefined ? {} : { cause: error.cause }),
  });
  return renderError(error);
};

/** A model-generated value, checked: a non-empty string Grantor can look up again (not shaped like a JWS). */
const generated = async (deps: ModelDeps, name: 'generateAccessToken' | 'generateRefreshToken', args: readonly [ModelClient, ModelUser, ModelScope]): Promise<string> => {
  const value = await callModel(deps.model, name, args[0], args[1], args[2]);
  if (typeof value !== 'string' || value === '') return fail(modelBroken(`${name}() returned no string`));
  // Grantor sends three-part dotted values to its RFC 9068 verifier: such a token could never be found again.
  if (looksLikeJws(value)) return fail(modelBroken(`${name}() returned a JWS-shaped value; use Grantor's JWT access tokens instead`));
  return value;
};

/** The user the tokens are saved for: the request's, `getUserFromClient` for client_credentials, else the host's. */
const userForTokens = async (deps: ModelDeps, work: Work, subject: string | undefined, client: ModelClient): Promise<ModelUser | undefined> => {
  if (work.user !== undefined) return work.user;
  if (work.facts.grantType === 'client_credentials' && hasFunction(deps.model, 'getUserFromClient')) {
    const user = await callModel(deps.model, 'getUserFromClient', client);
    return user ? user : undefined;
  }
  return userOf(deps, work, subject);
};

const save = async (deps: ModelDeps, work: Work, response: HttpResponse & { readonly _tag: 'Json' }): Promise<HttpResponse> => {
  const access = work.pendingAccess;
  if (access === undefined) return fail(modelBroken('a refresh token without an access token'));
  const client = await modelClientOf(deps, work, access.clientId);
  const user = await userForTokens(deps, work, access.subject, client);
  if (user === undefined) return refuse(deps, oauthError('invalid_grant', 'Invalid grant: user credentials are invalid', { detail: 'getUserFromClient() found no user' }));
  const grantType = work.facts.grantType;
  let scope = access.scope;
  if (hasFunction(deps.model, 'validateScope') && grantType !== 'refresh_token' && work.scopeValidated !== true) {
    const omitted = work.facts.scope === undefined && grantType !== 'authorization_code';
    const validated = await callModel(deps.model, 'validateScope', user, client, omitted ? undefined : scopeForModel(scope, deps.version));
    if (!validated) return refuse(deps, oauthError('invalid_scope', 'Invalid scope: Requested scope is invalid', { detail: 'validateScope() refused' }));
    const decided = scopeFromModel(validated);
    // RFC 6749 §3.3: without a scope parameter the server's default applies (here the model's); a requested scope is
    // never narrowed or widened silently — a model that changes it refuses the request.
    if (omitted) scope = decided;
    else if (!sameScope(decided, scope)) {
      return refuse(deps, oauthError('invalid_scope', 'Invalid scope: Requested scope is invalid', { detail: `validateScope() changed ${scope.join(' ')} to ${decided.join(' ')}` }));
    }
  }
  const body = response.body as Readonly<Record<string, unknown>>;
  const modelScope = scopeForModel(scope, deps.version);
  // With an ID token the access token stays Grantor's: the ID token's at_hash is computed over it.
  const accessToken =
    hasFunction(deps.model, 'generateAccessToken') && body['id_token'] === undefined
      ? await generated(deps, 'generateAccessToken', [client, user, modelScope])
      : valueOf(work, access.id, 'access token');
  const refresh = work.pendingRefresh;
  const refreshToken =
    refresh === undefined
      ? undefined
      : hasFunction(deps.model, 'generateRefreshToken')
        ? await generated(deps, 'generateRefreshToken', [client, user, modelScope])
        : valueOf(work, refresh.tokenHash, 'refresh token');
  const code = [...work.codes.values()][0];
  const saved = await callModel(
    deps.model,
    'saveToken',
    {
      accessToken,
      accessTokenExpiresAt: dateOf(access.expiresAt),
      scope: modelScope,
      ...(refresh === undefined || refreshToken === undefined ? {} : { refreshToken, refreshTokenExpiresAt: dateOf(refresh.expiresAt) }),
      ...(code === undefined ? {} : { authorizationCode: code.authorizationCode }),
    },
    client,
    user,
  );
  if (!saved || !isObject(saved)) return fail(modelBroken('saveToken() returned nothing'));
  work.savedToken = saved;
  if (deps.families !== undefined && refresh !== undefined && refreshToken !== undefined) {
    const now = deps.clock.now();
    if (work.rotation !== undefined) deps.families.rotate(work.rotation.previous, now);
    deps.families.live(refresh.grantId, deps.hasher.hash(refreshToken), refreshToken, refresh.expiresAt, now);
  }
  const extended = deps.allowExtendedTokenAttributes
    ? Object.fromEntries(Object.entries(saved).filter(([key]) => !standardMembers.has(key) && !responseMembers.has(key)))
    : {};
  return {
    ...response,
    body: {
      ...extended,
      ...body,
      access_token: accessToken,
      scope: formatScope(scope),
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
    },
  };
};

/** Saves the request's tokens through the model, or turns the response into the error that stopped it. Never rejects. */
export const finishTokens = async (deps: ModelDeps, work: Work, response: HttpResponse): Promise<HttpResponse> => {
  if (work.pendingAccess === undefined && work.pendingRefresh === undefined) return response;
  // Grantor failed after issuing (e.g. an ID token could not be signed): nothing reaches the model.
  if (response._tag !== 'Json' || response.status !== 200) return response;
  try {
    return await save(deps, work, response);
  } catch (cause) {
    return refuse(deps, fromStoreError(cause instanceof StoreFailure ? cause.error : modelFault('saveToken', cause)));
  }
};
