import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { AuthenticatedClient, Client } from '../domain/client.js';
import type { DeviceCodeRecord } from '../domain/records.js';
import { requestedScope } from '../domain/scope.js';
import { unauthorizedClient, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { HttpRequest } from '../http/http-request.js';
import { json, type HttpResponse } from '../http/http-response.js';
import { requireFormContentType, type FormParams } from '../http/form-urlencoded.js';
import { utf8Decode } from '../http/encoding.js';
import { invalidRequest } from '../errors/oauth-error.js';
import { requestedResources } from '../resources/indicators.js';
import { parseMultiParams } from './authorize-request.js';
import { formatUserCode, generateUserCode, normalizeUserCode } from '../grants/device-code/user-code.js';
import { deviceCodeGrantType } from '../grants/device-code/handler.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { DeviceCodeStore } from '../ports/stores.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import { authenticateClient, type ClientAuthPorts } from '../client-auth/index.js';
import { appendQuery } from './authorization-response.js';
import { failWith } from './render-error.js';

const endpoint = 'device_authorization';

/** The ports the device authorization endpoint uses (client authentication's among them). */
export interface DeviceAuthorizationPorts extends ClientAuthPorts {
  readonly deviceCodes: DeviceCodeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
}

/** Client authentication as at the token endpoint (RFC 8628 §3.1 refers to RFC 6749 §2.3). */
export type AuthenticateClient = (req: HttpRequest, form: FormParams) => TE.TaskEither<OAuthError, AuthenticatedClient>;

/** RFC 8628 §3.1: the client authenticates exactly as at the token endpoint (the shared `authenticateClient`). */
const tokenEndpointClientAuth =
  (config: ServerConfig, ports: DeviceAuthorizationPorts): AuthenticateClient =>
  (req, form) =>
    authenticateClient(form)({ config, ports, now: ports.clock.now(), request: req });

/** RFC 8628 §3.2 device authorization response. */
interface DeviceAuthorizationResponse {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete: string;
  readonly expires_in: number;
  readonly interval: number;
}

/** RFC 8628 §3.1: the client must be allowed the device grant, server-wide and in its own registration. */
const requireDeviceGrant = (config: ServerConfig, client: Client): E.Either<OAuthError, Client> =>
  client.grantTypes.includes(deviceCodeGrantType) && config.grantTypes.includes(deviceCodeGrantType)
    ? E.right(client)
    : E.left(unauthorizedClient('The client is not allowed to use the device authorization grant.'));

/** The request's form, and its RFC 8707 `resource` values (the one parameter that may repeat). */
interface DeviceRequest {
  readonly form: FormParams;
  readonly resource?: readonly string[];
}

/**
 * RFC 8628 §3.1 (an `application/x-www-form-urlencoded` POST) with RFC 8707 §2: `resource` may be sent several times;
 * every other parameter at most once (RFC 6749 §3.1), else `invalid_request`.
 */
const readDeviceRequest = (req: HttpRequest): E.Either<OAuthError, DeviceRequest> =>
  pipe(
    requireFormContentType(req),
    E.flatMap(() => {
      const text = req.body === undefined ? '' : utf8Decode(req.body);
      return text === undefined ? E.left(invalidRequest('The request body is not valid UTF-8.')) : parseMultiParams(text);
    }),
    E.flatMap((params) => {
      const form: Record<string, string> = {};
      for (const [name, values] of Object.entries(params)) {
        if (name === 'resource') continue;
        if (values.length !== 1 || values[0] === undefined) return E.left(invalidRequest(`The ${name} parameter is repeated.`));
        form[name] = values[0];
      }
      const resource = params['resource'];
      return E.right(resource === undefined ? { form } : { form, resource });
    }),
  );

/** RFC 8628 §3.2: a device code (256 bits) and a user code; only their hashes are stored. */
const createAuthorization = (config: ServerConfig, ports: DeviceAuthorizationPorts, client: Client, scope: readonly string[], resource: readonly string[] | undefined) => {
  const deviceCode = ports.random.token(32);
  const userCode = generateUserCode(ports.random, config.deviceFlow.userCode);
  const issuedAt = Math.floor(ports.clock.now());
  const lifetime = client.lifetimes?.deviceCode ?? config.lifetimes.deviceCode;
  const record: DeviceCodeRecord = {
    deviceCodeHash: ports.secrets.hash(deviceCode),
    userCodeHash: ports.secrets.hash(normalizeUserCode(userCode)),
    clientId: client.clientId,
    scope,
    ...(resource === undefined ? {} : { resource }),
    status: 'pending',
    grantId: ports.random.token(16),
    interval: config.deviceFlow.interval,
    issuedAt,
    expiresAt: issuedAt + lifetime,
  };
  const shown = formatUserCode(userCode);
  const response: DeviceAuthorizationResponse = {
    device_code: deviceCode,
    user_code: shown,
    verification_uri: config.deviceFlow.verificationUri,
    verification_uri_complete: appendQuery(config.deviceFlow.verificationUri, { user_code: shown }),
    expires_in: lifetime,
    interval: config.deviceFlow.interval,
  };
  return pipe(
    ports.deviceCodes.save(record),
    TE.mapError(fromStoreError),
    TE.map(() => response),
  );
};

/**
 * The device authorization endpoint (RFC 8628 §3.1–3.2): POST, form-encoded, client authenticated as at the token
 * endpoint, the client must have the device grant, the scope must be within the client's, and each RFC 8707 §2
 * `resource` (repeatable) must name a registered resource (`invalid_target` otherwise; the device code's tokens then
 * have those audiences). Answers the device code,
 * the user code (shown as XXXX-XXXX), where to enter it, its lifetime and the polling interval; not cacheable.
 */
export const handleDeviceAuthorization =
  (config: ServerConfig, ports: DeviceAuthorizationPorts, authenticate: AuthenticateClient = tokenEndpointClientAuth(config, ports)) =>
  async (req: HttpRequest): Promise<HttpResponse> => {
    const result = await pipe(
      TE.fromEither(readDeviceRequest(req)),
      TE.bind('client', ({ form }) => pipe(authenticate(req, form), TE.flatMapEither(({ client }) => requireDeviceGrant(config, client)))),
      TE.bind('scope', ({ form, client }) => TE.fromEither(requestedScope(form['scope'], client.scope, []))),
      TE.bind('audience', ({ resource }) => TE.fromEither(requestedResources(config.resources, resource))),
      TE.flatMap(({ client, scope, audience }) => createAuthorization(config, ports, client, scope, audience)),
    )();
    return E.isLeft(result) ? failWith(ports.logger, endpoint, result.left) : json(200, result.right);
  };

/** The device authorization endpoint as a route (POST at `config.routes.deviceAuthorization`). */
export const deviceAuthorizationRoute = (
  ports: DeviceAuthorizationPorts & { readonly config: ServerConfig; readonly authenticate?: AuthenticateClient },
): Route => ({
  path: ports.config.routes.deviceAuthorization,
  methods: ['POST'],
  handle: handleDeviceAuthorization(ports.config, ports, ports.authenticate ?? tokenEndpointClientAuth(ports.config, ports)),
});
