import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { serverError, type OAuthError } from '../errors/oauth-error.js';

/** The outcome of a host-facing operation: a Promise of this never rejects. */
export type Settled<A> = { readonly _tag: 'Done'; readonly value: A } | { readonly _tag: 'Failed'; readonly error: OAuthError };

/** Runs a `TaskEither` for the host: `Done` or `Failed`, and a throw or rejection (a bug) becomes `server_error`. */
export const settle = async <A>(task: TaskEither<OAuthError, A>): Promise<Settled<A>> => {
  try {
    const result = await task();
    return E.isLeft(result) ? { _tag: 'Failed', error: result.left } : { _tag: 'Done', value: result.right };
  } catch (cause) {
    return { _tag: 'Failed', error: serverError('host operation failed', cause) };
  }
};
