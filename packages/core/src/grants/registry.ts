import * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { decodeParams } from '../codec/decode.js';
import type { AuthenticatedClient } from '../domain/client.js';
import type { OAuthError } from '../errors/oauth-error.js';
import type { FormParams } from '../http/form-urlencoded.js';
import type { Grant, GrantContext, TokenResponse } from './grant.js';

/**
 * A `Grant` with its parameter type sealed in: what the token endpoint dispatches to. `run` decodes the grant's own
 * parameters (`invalid_request` naming the parameter, RFC 6749 §5.2), then calls the handler.
 */
export interface RegisteredGrant<P> {
  readonly grantType: string;
  readonly clients: 'confidential' | 'any';
  readonly run: (form: FormParams, client: AuthenticatedClient) => RTE.ReaderTaskEither<GrantContext<P>, OAuthError, TokenResponse>;
}

export const registerGrant = <P, A>(grant: Grant<P, A>): RegisteredGrant<P> => ({
  grantType: grant.grantType,
  clients: grant.clients,
  run: (form, client) =>
    pipe(
      RTE.fromEither(decodeParams(grant.params, form)),
      RTE.flatMap((params) => grant.handle(params, client)),
    ),
});
