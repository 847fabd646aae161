import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Option } from 'fp-ts/lib/Option.js';
import type { StoreError } from '../errors/store-error.js';

/**
 * OpenID Connect claims of end users (OIDC Core §5.1). Used by the ID token, userinfo and introspection. How users
 * log in is the host application's business; the core only needs their claims by subject.
 */
export interface UserClaimsSource {
  readonly claims: (subject: string) => TaskEither<StoreError, Option<Readonly<Record<string, unknown>>>>;
}
