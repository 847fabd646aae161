import * as E from 'fp-ts/lib/Either.js';
import { fapi2MaxCodeLifetime } from '../codec/profile.js';
import * as O from 'fp-ts/lib/Option.js';
import * as T from 'fp-ts/lib/Task.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client } from '../domain/client.js';
import type { AuthorizationCodeRecord, InteractionRecord } from '../domain/records.js';
import { isSubset, scopeDifference } from '../domain/scope.js';
import { invalidRequest, oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import type { HttpResponse } from '../http/http-response.js';
import { interactionNotFound, judgeFinishOutcome, requirePending } from '../lifecycle/interaction.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { AuthorizationCodeStore, ClientStore, ConsentStore, InteractionStore } from '../ports/stores.js';
import { codeRedirect, errorRedirect } from '../endpoints/authorization-response.js';
import { interactionErrorPage } from '../endpoints/error-page.js';
import type { ServerConfig } from '../config/server-config.js';
import { optional } from '../domain/optional.js';

/** What the host's login/consent page needs to know about a pending authorization request. */
export interface InteractionDetails {
  readonly interaction: InteractionRecord;
  readonly client: Client;
  /** Scopes the subject has not yet granted this client (consent page lists these; empty → consent may be skipped). */
  readonly scopesNeedingConsent: (subject: string) => Promise<readonly string[]>;
}

export interface InteractionResult {
  readonly subject: string;
  /** The scopes the user approved (a subset of the requested ones). */
  readonly scope: readonly string[];
  /** Epoch seconds of the user's authentication (OIDC `auth_time`). */
  readonly authTime: number;
  readonly acr?: string;
  /** Remember the consent so later requests for the same scopes skip the consent page. Default true. */
  readonly rememberConsent?: boolean;
}

/**
 * The interaction contract (the embedding point): the authorization endpoint answers "interaction required" by
 * redirecting to `config.interactionUrl`; the host authenticates the user however it likes, then finishes the
 * interaction, which yields the redirect back to the client (RFC 6749 §4.1.2, RFC 9207 `iss`).
 */
export interface InteractionApi {
  readonly details: (id: string) => Promise<{ readonly _tag: 'Found'; readonly details: InteractionDetails } | { readonly _tag: 'Invalid'; readonly error: OAuthError }>;
  readonly finish: (id: string, result: InteractionResult) => Promise<HttpResponse>;
  readonly deny: (id: string) => Promise<HttpResponse>;
  /**
   * Ends the interaction with an OpenID Connect Core §3.1.2.6 error sent to the client's redirect URI, e.g. for
   * `prompt=none` when the user has no session (`login_required`) or has not consented (`consent_required`).
   * Always present on the server `createAuthorizationServer` returns (optional only so that hand-made fakes of this
   * interface stay valid).
   */
  readonly fail?: (id: string, error: InteractionFailure) => Promise<HttpResponse>;
}

/** The errors a host may end an interaction with (OpenID Connect Core §3.1.2.6; RFC 6749 §4.1.2.1). */
export type InteractionFailure = 'login_required' | 'consent_required' | 'interaction_required' | 'access_denied';

/** The ports the interaction contract uses. */
export interface InteractionPorts {
  readonly clients: ClientStore;
  readonly interactions: InteractionStore;
  readonly consents: ConsentStore;
  readonly authorizationCodes: AuthorizationCodeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
}

/** `InteractionApi` with `fail` always present. */
export type InteractionContract = InteractionApi & { readonly fail: NonNullable<InteractionApi['fail']> };

type Found = { readonly interaction: InteractionRecord; readonly client: Client };

const failureDescriptions: Readonly<Record<InteractionFailure, string>> = {
  login_required: 'The user is not signed in.',
  consent_required: 'The user has not consented to this request.',
  interaction_required: 'User interaction is required.',
  access_denied: 'The resource owner denied the request.',
};

/** A pending interaction and its (still registered) client, or why it cannot be used. */
const loadPending = (ports: InteractionPorts, id: string): TE.TaskEither<OAuthError, Found> =>
  pipe(
    ports.interactions.find(id),
    TE.mapError(fromStoreError),
    TE.flatMap(TE.fromOption(interactionNotFound)),
    TE.flatMapEither((interaction) => requirePending(interaction, ports.clock.now())),
    TE.flatMap((interaction) =>
      pipe(
        ports.clients.find(interaction.clientId),
        TE.mapError(fromStoreError),
        TE.flatMap(TE.fromOption(() => invalidRequest('The client of this request is no longer registered.', `client ${interaction.clientId} gone`))),
        TE.map((client) => ({ interaction, client })),
      ),
    ),
  );

/** The one atomic `pending → finished` step (the store's compare-and-set), judged by the lifecycle. */
const finishAtomically = (ports: InteractionPorts, id: string): TE.TaskEither<OAuthError, InteractionRecord> => {
  const now = ports.clock.now();
  return pipe(
    ports.interactions.finish(id, now),
    TE.mapError(fromStoreError),
    TE.flatMapEither((outcome) => judgeFinishOutcome(outcome, now)),
  );
};

/** Validates what the host hands back: a subject, and approved scopes within the requested ones (RFC 6749 §3.3). */
const validateResult = (interaction: InteractionRecord, result: InteractionResult): E.Either<OAuthError, InteractionResult> => {
  if (typeof result.subject !== 'string' || result.subject === '') return E.left(invalidRequest('The interaction result has no subject.', 'host passed an empty subject'));
  if (!Array.isArray(result.scope) || !result.scope.every((s) => typeof s === 'string')) return E.left(invalidRequest('The interaction result scope is invalid.', 'scope is not a string array'));
  if (!isSubset(result.scope, interaction.scope)) {
    return E.left(invalidRequest('The approved scope exceeds the requested scope.', `not requested: ${scopeDifference(result.scope, interaction.scope).join(' ')}`));
  }
  if (typeof result.authTime !== 'number' || !Number.isFinite(result.authTime)) return E.left(invalidRequest('The interaction result has no valid authTime.', 'authTime is not a number'));
  return E.right(result);
};

/** A client's code lifetime; under `profile: 'fapi2'` never above 60 s (FAPI 2.0 Security Profile §5.3.2.1). */
const codeLifetime = (config: ServerConfig, client: Client): number => {
  const lifetime = client.lifetimes?.authorizationCode ?? config.lifetimes.authorizationCode;
  return config.profile === 'fapi2' ? Math.min(lifetime, fapi2MaxCodeLifetime) : lifetime;
};

/**
 * RFC 6749 §4.1.2 / §10.10: an authorization code is a single-use, short-lived, unguessable value (256 bits) bound to
 * the client, redirect URI, PKCE challenge (RFC 7636 §4.4) and the user's authorization; only its hash is stored.
 */
const issueCode = (ports: InteractionPorts, config: ServerConfig, client: Client, interaction: InteractionRecord, result: InteractionResult) => {
  const code = ports.random.token(32);
  const issuedAt = Math.floor(ports.clock.now());
  const record: AuthorizationCodeRecord = {
    codeHash: ports.secrets.hash(code),
    grantId: ports.random.token(16),
    clientId: interaction.clientId,
    redirectUri: interaction.redirectUri,
    subject: result.subject,
    scope: [...result.scope],
    authTime: Math.floor(result.authTime),
    issuedAt,
    expiresAt: issuedAt + codeLifetime(config, client),
    ...optional('pkce', interaction.pkce),
    ...optional('nonce', interaction.nonce),
    ...optional('acr', result.acr),
    ...optional('resource', interaction.resource),
    ...optional('dpopJkt', interaction.dpopJkt),
  };
  return pipe(
    ports.authorizationCodes.save(record),
    TE.mapError(fromStoreError),
    TE.map(() => code),
  );
};

/** Remembers consent (a union with earlier grants); a failure is logged, not fatal: the user simply sees consent again. */
const rememberConsent = (ports: InteractionPorts, interaction: InteractionRecord, result: InteractionResult): T.Task<void> =>
  result.rememberConsent === false || result.scope.length === 0
    ? T.of(undefined)
    : pipe(
        ports.consents.grant({ subject: result.subject, clientId: interaction.clientId, scope: [...result.scope], grantedAt: Math.floor(ports.clock.now()) }),
        TE.match(
          (e) => ports.logger.log('warn', 'could not remember consent', { detail: e.detail }),
          () => undefined,
        ),
      );

const logError = (logger: Logger, e: OAuthError): void => {
  if (e.detail !== undefined || e.cause !== undefined) {
    logger.log(e.code === 'server_error' ? 'error' : 'info', `interaction: ${e.code}`, { ...optional('detail', e.detail), ...optional('cause', e.cause) });
  }
};

/** Never rejects: an unexpected throw becomes a `server_error` page. */
const guard = async (logger: Logger, run: () => Promise<HttpResponse>): Promise<HttpResponse> => {
  try {
    return await run();
  } catch (cause) {
    logger.log('error', 'interaction failed unexpectedly', { cause });
    return interactionErrorPage(oauthError('server_error', 'The authorization server encountered an unexpected condition.'));
  }
};

/**
 * The interaction contract: the host reads an interaction's details, authenticates the user and asks for consent as
 * it likes, then finishes (authorization code to the redirect URI, RFC 6749 §4.1.2), denies (`access_denied`,
 * RFC 6749 §4.1.2.1) or fails it (OpenID Connect Core §3.1.2.6). Each interaction is finished at most once; every
 * response to the client carries `state` and `iss` (RFC 9207 §2).
 */
export const createInteractionApi = (config: ServerConfig, ports: InteractionPorts): InteractionContract => {
  const { logger } = ports;

  const details: InteractionApi['details'] = async (id) => {
    try {
      const found = await loadPending(ports, id)();
      if (E.isLeft(found)) return { _tag: 'Invalid', error: found.left };
      const { interaction, client } = found.right;
      const scopesNeedingConsent = async (subject: string): Promise<readonly string[]> => {
        const consent = await ports.consents.find(subject, interaction.clientId)();
        if (E.isLeft(consent)) {
          logger.log('warn', 'could not read consent; asking again', { detail: consent.left.detail });
          return interaction.scope;
        }
        return pipe(
          consent.right,
          O.match(
            () => interaction.scope,
            (c) => scopeDifference(interaction.scope, c.scope),
          ),
        );
      };
      const result: InteractionDetails = { interaction, client, scopesNeedingConsent };
      return { _tag: 'Found', details: result };
    } catch (cause) {
      logger.log('error', 'interaction details failed unexpectedly', { cause });
      return { _tag: 'Invalid', error: oauthError('server_error', 'The authorization server encountered an unexpected condition.') };
    }
  };

  const finish: InteractionApi['finish'] = (id, result) =>
    guard(logger, async () => {
      const prepared = await pipe(
        loadPending(ports, id),
        TE.flatMap((found) => pipe(TE.fromEither(validateResult(found.interaction, result)), TE.map(() => found))),
        TE.flatMap((found) => pipe(finishAtomically(ports, id), TE.map((interaction) => ({ ...found, interaction })))),
      )();
      if (E.isLeft(prepared)) {
        logError(logger, prepared.left);
        return interactionErrorPage(prepared.left);
      }
      const { interaction, client } = prepared.right;
      await rememberConsent(ports, interaction, result)();
      const issued = await issueCode(ports, config, client, interaction, result)();
      if (E.isLeft(issued)) {
        logError(logger, issued.left);
        return errorRedirect(config.issuer, interaction.redirectUri, issued.left, interaction.state);
      }
      return codeRedirect(config.issuer, interaction.redirectUri, issued.right, interaction.state);
    });

  const end = (id: string, failure: InteractionFailure): Promise<HttpResponse> =>
    guard(logger, async () => {
      const code: InteractionFailure = Object.hasOwn(failureDescriptions, failure) ? failure : 'interaction_required';
      const finished = await finishAtomically(ports, id)();
      if (E.isLeft(finished)) {
        logError(logger, finished.left);
        return interactionErrorPage(finished.left);
      }
      const interaction = finished.right;
      return errorRedirect(config.issuer, interaction.redirectUri, oauthError(code, failureDescriptions[code]), interaction.state);
    });

  return { details, finish, deny: (id) => end(id, 'access_denied'), fail: end };
};
