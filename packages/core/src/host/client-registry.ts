import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { decodeClientMetadata } from '../codec/client-metadata.js';
import { clientMetadataView } from '../codec/client-view.js';
import type { Client, ClientAuthMethod } from '../domain/client.js';
import { optional } from '../domain/optional.js';
import { invalidRequest, oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { AdminStore, ClientQuery, Page } from '../ports/admin.js';
import type { ClientSecretJwtKeyStore } from '../ports/client-secret-jwt-keys.js';
import type { Clock, Random, SecretHasher } from '../ports/runtime.js';
import type { ClientStore } from '../ports/stores.js';
import type { RegistryStore } from '../ports/registry.js';
import { requireRegisteredScopes } from './registry-scopes.js';

/** What the client registry works over: the client store, the admin store, the runtime. */
export interface ClientRegistryPorts {
  readonly clients: ClientStore;
  readonly admin: AdminStore;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly clock: Clock;
  /** Needed only to register `client_secret_jwt` clients (their HMAC key must stay recoverable, RFC 7523 §2.2). */
  readonly clientSecretJwtKeys?: ClientSecretJwtKeyStore;
  /** With a scope registry, a client's scopes must be registered ones (create and update refuse others). */
  readonly registry?: RegistryStore;
}

/** A client just registered or changed, with the secret generated for it (shown once: only its hash is kept). */
export interface RegisteredClient {
  readonly client: Client;
  readonly clientSecret?: string;
}

const secretMethods: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];
/** Members an update never takes from its input: the identity, secrets (rotate them instead). */
const notUpdatable = ['client_id', 'client_secret', 'client_secret_expires_at'];

export const notFound = (what: string, id: string): OAuthError => oauthError('not_found', `No such ${what}.`, { detail: `unknown ${what} ${id}` });

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const findClientOr404 = (clients: ClientStore, clientId: string): TE.TaskEither<OAuthError, Client> =>
  pipe(
    clients.find(clientId),
    TE.mapError(fromStoreError),
    TE.flatMap(O.match(() => TE.left(notFound('client', clientId)), (c) => TE.right(c))),
  );

const saveClient = (ports: ClientRegistryPorts, client: Client, jwtSecret: string | undefined): TE.TaskEither<OAuthError, Client> =>
  pipe(
    jwtSecret === undefined || ports.clientSecretJwtKeys === undefined ? TE.right(undefined) : ports.clientSecretJwtKeys.save(client.clientId, jwtSecret),
    TE.flatMap(() => ports.clients.save(client)),
    TE.mapError(fromStoreError),
    TE.map(() => client),
  );

/** With a scope registry, a client's scopes must all be registered (checked on create and update, not on disable). */
const scopesRegistered = (ports: ClientRegistryPorts, client: Client): TE.TaskEither<OAuthError, void> =>
  ports.registry === undefined ? TE.right(undefined) : requireRegisteredScopes(ports.registry, client.scope, 'The client');

/** RFC 7591 §2 metadata → `Client`; a bad member is `invalid_request` naming it (RFC 7591 §3.2.2 `invalid_client_metadata`). */
const decode = (ports: ClientRegistryPorts, metadata: Readonly<Record<string, unknown>>): E.Either<OAuthError, Client> =>
  E.mapLeft((message: string) => invalidRequest(`Invalid client metadata: ${message}`, message))(decodeClientMetadata(metadata, ports.secrets.hash));

const methodOf = (metadata: Readonly<Record<string, unknown>>): unknown => metadata['token_endpoint_auth_method'] ?? 'client_secret_basic';

/**
 * Registers a client from RFC 7591 §2 metadata. `client_id` is generated when absent (RFC 7591 §3.2.1: 128 random
 * bits); a client that authenticates with a secret gets a generated 256-bit one unless the metadata carries its own
 * (returned once, stored as its SHA-256). An id already registered is refused.
 */
const createClient =
  (ports: ClientRegistryPorts) =>
  (input: unknown): TE.TaskEither<OAuthError, RegisteredClient> => {
    if (!isRecord(input)) return TE.left(invalidRequest('Client metadata must be a JSON object.'));
    const clientId = typeof input['client_id'] === 'string' && input['client_id'] !== '' ? input['client_id'] : ports.random.token(16);
    const method = methodOf(input);
    const given = typeof input['client_secret'] === 'string' && input['client_secret'] !== '' ? input['client_secret'] : undefined;
    const secret = secretMethods.includes(method as ClientAuthMethod) && given === undefined ? ports.random.token(32) : given;
    if (method === 'client_secret_jwt' && ports.clientSecretJwtKeys === undefined) {
      return TE.left(invalidRequest('client_secret_jwt clients need a clientSecretJwtKeys store; use private_key_jwt.'));
    }
    const metadata = { ...input, client_id: clientId, ...optional('client_secret', secret) };
    return pipe(
      TE.fromEither(decode(ports, metadata)),
      TE.tap(() =>
        pipe(
          ports.clients.find(clientId),
          TE.mapError(fromStoreError),
          TE.filterOrElse(O.isNone, () => invalidRequest('A client with this client_id is already registered.', `duplicate ${clientId}`)),
        ),
      ),
      TE.tap((client) => scopesRegistered(ports, client)),
      TE.flatMap((client) => saveClient(ports, client, method === 'client_secret_jwt' ? secret : undefined)),
      TE.map((client) => ({ client, ...optional('clientSecret', given === undefined ? secret : undefined) })),
    );
  };

/**
 * Replaces a client's metadata with `changes` laid over its current metadata (RFC 7592 §2.2 style, but a partial
 * document is enough). Identity, secrets and the disabled flag are kept; a client moving to a secret-based method
 * without a secret gets a generated one (returned once), one moving away from secrets loses them.
 */
const updateClient =
  (ports: ClientRegistryPorts) =>
  (clientId: string, changes: unknown): TE.TaskEither<OAuthError, RegisteredClient> => {
    if (!isRecord(changes)) return TE.left(invalidRequest('Client metadata must be a JSON object.'));
    const patch = Object.fromEntries(Object.entries(changes).filter(([k]) => !notUpdatable.includes(k)));
    return pipe(
      findClientOr404(ports.clients, clientId),
      TE.flatMap((old) => {
        const { client_secret_expires_at: _expiry, ...view } = clientMetadataView(old);
        const metadata = { ...view, ...patch, client_id: clientId };
        const method = methodOf(metadata);
        const secretBased = secretMethods.includes(method as ClientAuthMethod);
        if (method === 'client_secret_jwt' && old.tokenEndpointAuthMethod !== 'client_secret_jwt') {
          return TE.left(invalidRequest('A client cannot move to client_secret_jwt; register a new one.'));
        }
        const fresh = secretBased && old.secretHashes.length === 0 ? ports.random.token(32) : undefined;
        // The codec demands a secret for secret-based methods; the stored hashes are what is kept.
        const decodable = { ...metadata, ...(secretBased ? { client_secret: fresh ?? 'kept' } : {}) };
        return pipe(
          TE.fromEither(decode(ports, decodable)),
          TE.map((decoded): Client => ({
            ...decoded,
            secretHashes: !secretBased ? [] : fresh === undefined ? old.secretHashes : decoded.secretHashes,
            ...optional('lifetimes', old.lifetimes),
            ...optional('metadata', old.metadata),
            ...optional('disabled', old.disabled),
          })),
          TE.tap((client) => scopesRegistered(ports, client)),
          TE.flatMap((client) => saveClient(ports, client, undefined)),
          TE.map((client) => ({ client, ...optional('clientSecret', fresh) })),
        );
      }),
    );
  };

/**
 * Disables (or re-enables) a client. A disabled client is unknown to every endpoint; disabling also revokes every
 * token issued to it (RFC 7009 §2.2 semantics), so no bearer token of it keeps working.
 */
const setClientDisabled =
  (ports: ClientRegistryPorts) =>
  (clientId: string, disabled: boolean): TE.TaskEither<OAuthError, Client> =>
    pipe(
      findClientOr404(ports.clients, clientId),
      TE.map((c): Client => {
        const { disabled: _was, ...rest } = c;
        return disabled ? { ...rest, disabled: true } : rest;
      }),
      TE.flatMap((client) => saveClient(ports, client, undefined)),
      TE.tap(() => (disabled ? pipe(ports.admin.revokeTokens({ clientId }, ports.clock.now()), TE.mapError(fromStoreError)) : TE.right(0))),
    );

/** Deletes a client and, atomically, everything issued to it (tokens, codes, consents, pending flows). */
const deleteClient =
  (ports: ClientRegistryPorts) =>
  (clientId: string): TE.TaskEither<OAuthError, void> =>
    pipe(
      ports.admin.deleteClient(clientId),
      TE.mapError(fromStoreError),
      TE.flatMap((deleted) => (deleted ? TE.right(undefined) : TE.left(notFound('client', clientId)))),
    );

const listClients =
  (ports: ClientRegistryPorts) =>
  (query: ClientQuery): TE.TaskEither<OAuthError, Page<Client>> =>
    pipe(ports.admin.listClients(query), TE.mapError(fromStoreError));

/** The registry's operations as `TaskEither`s (bound to settled Promises by `adminOperations`). */
export const clientRegistry = (ports: ClientRegistryPorts) => ({
  create: createClient(ports),
  update: updateClient(ports),
  setDisabled: setClientDisabled(ports),
  remove: deleteClient(ports),
  list: listClients(ports),
  find: (clientId: string) => findClientOr404(ports.clients, clientId),
});
