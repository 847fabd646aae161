import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { authenticateClient, type ClientAuthPorts } from '../client-auth/authenticate.js';
import type { AuthenticatedClient } from '../domain/client.js';
import { invalidRequest } from '../errors/oauth-error.js';
import { fromStoreError, type StoreError } from '../errors/store-error.js';
import { readFormBody } from '../http/form-urlencoded.js';
import type { HttpRequest } from '../http/http-request.js';
import { empty, type HttpResponse } from '../http/http-response.js';
import type { Clock, Logger } from '../ports/runtime.js';
import type { Route } from '../http/route.js';
import { findPresentedToken, type FoundToken, type TokenLookupPorts } from '../tokens/lookup.js';
import { failWith } from './render-error.js';

export interface RevocationPorts extends TokenLookupPorts {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Client authentication, exactly as at the token endpoint. */
  readonly clientAuth: ClientAuthPorts;
}

/**
 * RFC 7009 §2.1: revokes a token of the calling client. A refresh token takes its whole grant with it (every refresh
 * and access token of the family, "the authorization server … SHOULD also invalidate all access tokens based on the
 * same authorization grant"); an access token is revoked alone (a JWT by its `jti`: the record is the deny list).
 * Another client's token is left alone (§2.1: the server "verifies whether the token was issued to the client").
 */
const revoke = (deps: RevocationPorts, found: FoundToken, caller: AuthenticatedClient, now: number): TE.TaskEither<StoreError, void> => {
  if (found.record.clientId !== caller.client.clientId) return TE.right(undefined);
  if (found._tag === 'Access') return deps.accessTokens.revoke(found.record.id, now);
  const grantId = found.record.grantId;
  const refreshTokens = deps.refreshTokens;
  return pipe(
    refreshTokens === undefined ? TE.right(undefined) : refreshTokens.revokeGrant(grantId, now),
    TE.flatMap(() => deps.accessTokens.revokeGrant(grantId, now)),
  );
};

/**
 * RFC 7009 token revocation: POST with an `application/x-www-form-urlencoded` body; the client authenticates as at
 * the token endpoint (public clients with their `client_id`, §2.1); `token` is required (`invalid_request`);
 * `token_type_hint` only orders the lookup and an unknown hint is ignored. Success, an unknown or already invalid
 * token, and another client's token all answer 200 (§2.2). Store faults: 503 `temporarily_unavailable` (§2.2.1) or
 * 500.
 */
export const revocationRoute = (deps: RevocationPorts): Route => ({
  path: deps.config.routes.revocation,
  methods: ['POST'],
  handle: async (req: HttpRequest): Promise<HttpResponse> => {
    const now = deps.clock.now();
    const result = await pipe(
      TE.fromEither(readFormBody(req)),
      TE.bindTo('form'),
      TE.bind('caller', ({ form }) => authenticateClient(form)({ config: deps.config, ports: deps.clientAuth, now, request: req })),
      TE.bind('token', ({ form }) => TE.fromEither(E.fromNullable(invalidRequest('The token parameter is missing.', 'missing token'))(form['token']))),
      TE.flatMap(({ form, caller, token }) =>
        pipe(
          findPresentedToken(deps, token, form['token_type_hint']),
          TE.flatMap(O.match(() => TE.right(undefined), (found) => revoke(deps, found, caller, now))),
          TE.mapError(fromStoreError),
        ),
      ),
    )();
    return E.isLeft(result) ? failWith(deps.logger, 'revocation', result.left) : empty(200);
  },
});
