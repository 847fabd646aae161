import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { type Client } from '@grantor/core';
import { storeError, type ClientAuthMethod, type ClientStore } from '@grantor/core/extend';
import { callModel, hasFunction, type ModelClient } from '../model.js';
import { declaredScope, isObject, listOf } from '../mapping.js';
import type { Work } from '../work.js';
import { fail, fromModel, modelBroken, type ModelDeps } from './shared.js';

/** oauth2-server 5: `requireClientAuthentication` defaults to true for every grant type it does not name. */
const authenticationRequired = (deps: ModelDeps, grantType: string | undefined): boolean =>
  grantType === undefined ? true : deps.requireClientAuthentication[grantType] ?? true;

/**
 * The authentication method the core must see for this request, so that it accepts exactly what the model accepted.
 * The model checked the secret itself (`getClient(id, secret)`); a request without a secret passes only where
 * oauth2-server 5 lets it: `requireClientAuthentication[grant] === false`, or an authorization-code request with a
 * `code_verifier` (PKCE), or a client the host marks public (`tokenEndpointAuthMethod` → `none`). Without presented
 * credentials or a grant type (the authorization endpoint) the host decides (`tokenEndpointAuthMethod`, default
 * `client_secret_basic`: a confidential client).
 */
const methodFor = (deps: ModelDeps, work: Work, client: ModelClient, secretAccepted: boolean): ClientAuthMethod => {
  const presented = work.facts.client;
  const registered = deps.tokenEndpointAuthMethod(client);
  if (presented === undefined || presented.clientId !== client.id) return registered;
  if (secretAccepted) return presented.method;
  if (work.facts.grantType === undefined) return registered;
  const publicAllowed =
    registered === 'none' || !authenticationRequired(deps, work.facts.grantType) || (work.facts.grantType === 'authorization_code' && work.facts.codeVerifier);
  return publicAllowed ? 'none' : 'client_secret_basic';
};

/**
 * RFC 6749 §3.1.2.3: the redirect URIs Grantor compares exactly. With `validateRedirectUri` the model decides about the
 * requested URI (and only the model, as in oauth2-server: a registered URI it refuses is dropped).
 */
const redirectUrisFor = async (deps: ModelDeps, work: Work, client: ModelClient): Promise<readonly string[]> => {
  const registered = listOf(client.redirectUris);
  const requested = work.facts.redirectUri;
  if (requested === undefined || !hasFunction(deps.model, 'validateRedirectUri')) return registered;
  const valid = await callModel(deps.model, 'validateRedirectUri', requested, client);
  const others = registered.filter((u) => u !== requested);
  return valid === true ? [...others, requested] : others;
};

/**
 * The Grantor `Client` for a model client, as seen by this request. Scope: the model decides scope in
 * `validateScope` (called when the tokens or the code are saved); the ceiling the core checks is the client's declared
 * `scope`/`scopes` plus what this request asks for.
 */
const toClient = async (deps: ModelDeps, work: Work, client: ModelClient, acceptedSecret: string | undefined): Promise<Client> => {
  const grants = listOf(client.grants);
  const requested = work.facts.scope ?? [];
  const declared = declaredScope(client);
  const lifetimes = {
    ...(typeof client.accessTokenLifetime === 'number' && client.accessTokenLifetime > 0 ? { accessToken: client.accessTokenLifetime } : {}),
    ...(typeof client.refreshTokenLifetime === 'number' && client.refreshTokenLifetime > 0 ? { refreshToken: client.refreshTokenLifetime } : {}),
  };
  return {
    clientId: client.id,
    secretHashes: acceptedSecret === undefined ? [] : [{ hash: deps.hasher.hash(acceptedSecret) }],
    redirectUris: await redirectUrisFor(deps, work, client),
    postLogoutRedirectUris: [],
    grantTypes: grants,
    responseTypes: grants.includes('authorization_code') ? ['code'] : [],
    scope: [...new Set([...declared, ...requested])],
    tokenEndpointAuthMethod: methodFor(deps, work, client, acceptedSecret !== undefined),
    accessTokenFormat: 'opaque',
    ...(Object.keys(lifetimes).length === 0 ? {} : { lifetimes }),
  };
};

/**
 * Clients come from `getClient(clientId, clientSecret)`: with the secret the request presented for that client (the
 * model checks it, as it always did), else with `null` (the specification's lookup without authentication). A client
 * the model refuses is unknown to Grantor (`invalid_client`). Clients cannot be saved through a model.
 */
export const modelClientStore = (deps: ModelDeps): ClientStore => ({
  find: (clientId) =>
    fromModel('getClient', async (work) => {
      const presented = work.facts.client?.clientId === clientId ? work.facts.client : undefined;
      const secret = presented?.secret;
      const found = await callModel(deps.model, 'getClient', clientId, secret ?? null);
      if (!found) return O.none;
      if (!isObject(found) || typeof found.id !== 'string') return fail(modelBroken('getClient() returned a client without a string id'));
      if (found.grants === undefined || found.grants === null) return fail(modelBroken('getClient() returned a client without grants'));
      if (found.id !== clientId) return fail(modelBroken(`getClient(${clientId}) returned client ${found.id}`));
      work.clients.set(clientId, found);
      return O.some(await toClient(deps, work, found, secret));
    }),
  save: () => TE.left(storeError('an oauth2-server model cannot save clients: register them in the model (or move to @grantor/store-sql)')),
});

/** The model client loaded earlier in this request (client authentication always runs first), else `getClient(id, null)`. */
export const modelClientOf = async (deps: ModelDeps, work: Work, clientId: string): Promise<ModelClient> => {
  const known = work.clients.get(clientId);
  if (known !== undefined) return known;
  const found = await callModel(deps.model, 'getClient', clientId, null);
  if (!found || !isObject(found)) return fail(modelBroken(`getClient(${clientId}, null) found no client for a record that names it`));
  work.clients.set(clientId, found);
  return found;
};
