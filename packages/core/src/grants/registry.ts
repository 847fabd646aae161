import * as E from 'fp-ts/lib/Either.js';
import * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
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
  run: (form, client) => {
    const params = decodeParams(grant.params, form);
    return E.isLeft(params) ? RTE.left(params.left) : grant.handle(params.right, client);
  },
});
