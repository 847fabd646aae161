import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client, ClientAuthMethod } from '../domain/client.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { utf8Decode } from '../http/encoding.js';
import { parseFormText } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { empty, json, noStore, type HttpResponse } from '../http/http-response.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import type { ClientRegistration } from '../domain/client.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { ClientStore } from '../ports/stores.js';
import type { RegisteredClientStore } from '../ports/client-registrations.js';
import { decodeRegistrationMetadata, registeredMetadata, type MetadataError, type RegistrationPolicy } from '../codec/registration-metadata.js';
import { failWith } from './render-error.js';
import { applySoftwareStatement, type SoftwareStatementFacts } from './software-statement.js';

/** The ports of the RFC 7591 registration endpoint and its RFC 7592 management. */
export interface RegistrationPorts {
  readonly config: ServerConfig;
  readonly clients: ClientStore;
  readonly registeredClients: RegisteredClientStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
  /** The token-endpoint authentication methods a registered client may choose. */
  readonly authMethods: readonly ClientAuthMethod[];
}

/** RFC 6750 §3.1: a missing, unknown or foreign bearer token — 401 with `WWW-Authenticate`, nothing disclosed. */
const invalidToken = (detail: string): OAuthError =>
  oauthError('invalid_token', 'The access token is missing or invalid.', { detail, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });

const fromMetadataError = (e: MetadataError): OAuthError => oauthError(e.code, e.description);

/** The scopes, grant types and methods a registration may ask for (`config.registration`, else the server's). */
const policyOf = (ports: RegistrationPorts): RegistrationPolicy => {
  const { config } = ports;
  return {
    scopes: config.registration.allowedScopes ?? [...new Set([...config.scopesSupported, ...config.resources.flatMap((r) => r.scopes)])],
    grantTypes: (config.registration.allowedGrantTypes ?? config.grantTypes).filter((g) => config.grantTypes.includes(g)),
    authMethods: ports.authMethods.filter((m) => m !== 'client_secret_jwt'),
  };
};

/** RFC 6750 §2.1: the `Authorization: Bearer` credential, if any. */
const bearerToken = (req: HttpRequest): string | undefined => {
  const match = /^bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(req.headers['authorization'] ?? '');
  return match?.[1];
};

/** RFC 7591 §3.1: the request body is a JSON object (`application/json`). */
const readJson = (req: HttpRequest): E.Either<OAuthError, unknown> => {
  const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') return E.left(oauthError('invalid_client_metadata', 'The request body must be application/json.'));
  const body = req.body === undefined ? '' : utf8Decode(req.body);
  if (body === undefined) return E.left(oauthError('invalid_client_metadata', 'The request body is not valid UTF-8.'));
  try {
    return E.right(JSON.parse(body) as unknown);
  } catch {
    return E.left(oauthError('invalid_client_metadata', 'The request body is not valid JSON.'));
  }
};

/** The `registration_client_uri` of a client (RFC 7592 §1): the endpoint with the client id in the query. */
const clientUri = (config: ServerConfig, clientId: string): string => `${config.baseUrl}${config.routes.registration}?client_id=${encodeURIComponent(clientId)}`;

/** A new registration access token and what is stored of it (its hash). */
const newAccessToken = (ports: RegistrationPorts, registeredAt: number): { readonly token: string; readonly registration: ClientRegistration } => {
  const token = ports.random.token(32);
  return { token, registration: { accessTokenHash: ports.secrets.hash(token), registeredAt } };
};

/** RFC 7591 §3.2.1 / RFC 7592 §3: the metadata, the management credentials and, when one was issued, the secret. */
const registrationResponse = (status: number, config: ServerConfig, client: Client, token: string, secret: string | undefined): HttpResponse =>
  json(status, {
    ...registeredMetadata(client),
    ...(secret === undefined ? {} : { client_secret: secret, client_secret_expires_at: 0 }),
    registration_access_token: token,
    registration_client_uri: clientUri(config, client.clientId),
  }, noStore);

/** RFC 7591 §3.2.1: the software statement (and the `software_id` / `software_version` it asserted) kept with the client. */
const withStatement = (client: Client, statement: SoftwareStatementFacts | undefined): Client =>
  statement === undefined ? client : { ...client, metadata: { ...client.metadata, ...statement } };

/** RFC 7591 §3: the initial access token of `token` mode (none needed in `open` and `software_statement` modes). */
const admitRegistration = (ports: RegistrationPorts, req: HttpRequest): E.Either<OAuthError, void> => {
  const { mode } = ports.config.registration;
  if (mode === 'open' || mode === 'software_statement') return E.right(undefined);
  const token = bearerToken(req);
  const known = token !== undefined && ports.config.registration.initialAccessTokenHashes.some((h) => ports.secrets.verify(token, h));
  return known ? E.right(undefined) : E.left(invalidToken('registration without a valid initial access token'));
};

/**
 * RFC 7591 §3.1 / §3.2: registers a client from JSON metadata. The server assigns `client_id`, a `client_secret` for
 * the secret methods (only its hash is stored) and a `registration_access_token` (hashed at rest); the client is
 * usable at once. 201 with the registered metadata, `registration_access_token` and `registration_client_uri`.
 */
const register = (ports: RegistrationPorts, req: HttpRequest): TE.TaskEither<OAuthError, HttpResponse> => {
  const now = Math.floor(ports.clock.now());
  const assigned = { clientId: ports.random.token(16), secret: ports.random.token(32) };
  const access = newAccessToken(ports, now);
  return pipe(
    TE.fromEither(admitRegistration(ports, req)),
    TE.flatMapEither(() => readJson(req)),
    TE.flatMap((input) => applySoftwareStatement(ports.config.registration, input, now)),
    TE.flatMapEither(({ metadata, statement }) =>
      pipe(
        decodeRegistrationMetadata(metadata, policyOf(ports), assigned, ports.secrets.hash),
        E.mapLeft(fromMetadataError),
        E.map(({ client, secret }) => ({ client: withStatement(client, statement), secret })),
      ),
    ),
    TE.map(({ client, secret }) => ({ client: { ...client, registration: access.registration } satisfies Client, secret })),
    TE.tap(({ client }) => pipe(ports.clients.save(client), TE.mapError(fromStoreError))),
    TE.map(({ client, secret }) => {
      ports.logger.log('info', 'client registered', { clientId: client.clientId });
      return registrationResponse(201, ports.config, client, access.token, secret);
    }),
  );
};

/**
 * RFC 7592 §3: the client named by `client_id` in the query, when the request's bearer token is its registration
 * access token (constant-time hash comparison). Anything else — no token, a wrong one, another client's, an unknown
 * or statically configured client — is the same 401.
 */
const authorizedClient = (ports: RegistrationPorts, req: HttpRequest): TE.TaskEither<OAuthError, Client> => {
  const token = bearerToken(req);
  const query = parseFormText(req.query);
  const clientId = E.isRight(query) ? query.right['client_id'] : undefined;
  if (token === undefined || clientId === undefined) return TE.left(invalidToken('registration management without token or client_id'));
  return pipe(
    ports.clients.find(clientId),
    TE.mapError(fromStoreError),
    TE.flatMap(
      O.match(
        () => TE.left(invalidToken('registration management: unknown client')),
        (client) =>
          client.registration !== undefined && ports.secrets.verify(token, client.registration.accessTokenHash)
            ? TE.right(client)
            : TE.left(invalidToken('registration management: token does not belong to the client')),
      ),
    ),
  );
};

/**
 * RFC 7592 §2.2: replaces the metadata with the request's (which must name the same `client_id`, and may repeat the
 * current `client_secret`). The secret is kept; a client that moves to a secret method from one without is given a
 * new one. The registration access token is rotated: the response carries the new one, the old one stops working.
 */
const update = (ports: RegistrationPorts, req: HttpRequest, current: Client): TE.TaskEither<OAuthError, HttpResponse> => {
  const now = Math.floor(ports.clock.now());
  const access = newAccessToken(ports, current.registration?.registeredAt ?? now);
  const fresh = ports.random.token(32);
  return pipe(
    TE.fromEither(readJson(req)),
    TE.flatMap((input) => pipe(applySoftwareStatement(ports.config.registration, input, now), TE.map((outcome) => ({ input, ...outcome })))),
    TE.flatMapEither(({ input, metadata, statement }) => {
      const body = typeof input === 'object' && input !== null ? (input as Readonly<Record<string, unknown>>) : {};
      if (body['client_id'] !== current.clientId) return E.left(oauthError('invalid_client_metadata', 'client_id must be the client being updated (RFC 7592 §2.2).'));
      const presented = body['client_secret'];
      if (presented !== undefined && (typeof presented !== 'string' || !current.secretHashes.some((s) => ports.secrets.verify(presented, s.hash)))) {
        return E.left(oauthError('invalid_client_metadata', 'client_secret does not match the current secret (RFC 7592 §2.2).'));
      }
      return pipe(
        decodeRegistrationMetadata(metadata, policyOf(ports), { clientId: current.clientId, secret: fresh }, ports.secrets.hash),
        E.mapLeft(fromMetadataError),
        E.map(({ client, secret }) => ({ client: withStatement(client, statement), ...(secret === undefined ? {} : { secret }) })),
      );
    }),
    TE.map(({ client, secret }) => {
      const keep = secret !== undefined && current.secretHashes.length > 0;
      const next: Client = { ...client, secretHashes: keep ? current.secretHashes : client.secretHashes, registration: access.registration };
      return { client: next, secret: keep ? undefined : secret };
    }),
    TE.tap(({ client }) => pipe(ports.clients.save(client), TE.mapError(fromStoreError))),
    TE.map(({ client, secret }) => registrationResponse(200, ports.config, client, access.token, secret)),
  );
};

/** RFC 7592 §2.3: deletes the client; its credentials and this URI stop working. 204. */
const remove = (ports: RegistrationPorts, client: Client): TE.TaskEither<OAuthError, HttpResponse> =>
  pipe(
    ports.registeredClients.remove(client.clientId),
    TE.mapError(fromStoreError),
    TE.map(() => {
      ports.logger.log('info', 'client deleted through its registration', { clientId: client.clientId });
      return empty(204, noStore);
    }),
  );

/**
 * The RFC 7591 registration endpoint (POST) and, at the same path with `?client_id=`, the RFC 7592 client
 * configuration endpoint (GET reads, PUT replaces, DELETE removes), authorized by the registration access token.
 * Errors are RFC 7591 §3.2.2 JSON (`invalid_redirect_uri`, `invalid_client_metadata`) or 401 `invalid_token`.
 */
export const registrationRoute = (ports: RegistrationPorts): Route => ({
  path: ports.config.routes.registration,
  methods: ['POST', 'GET', 'PUT', 'DELETE'],
  handle: async (req: HttpRequest): Promise<HttpResponse> => {
    const result = await (req.method === 'POST'
      ? register(ports, req)
      : pipe(
          authorizedClient(ports, req),
          TE.flatMap((client) =>
            req.method === 'GET'
              ? TE.right<OAuthError, HttpResponse>(json(200, { ...registeredMetadata(client), registration_client_uri: clientUri(ports.config, client.clientId) }, noStore))
              : req.method === 'PUT'
                ? update(ports, req, client)
                : remove(ports, client),
          ),
        ))();
    return E.isLeft(result) ? failWith(ports.logger, 'registration', result.left) : result.right;
  },
});
