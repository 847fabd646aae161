/**
 * The resource owner password credentials grant (RFC 6749 §4.3) — LEGACY, off by default.
 *
 * RFC 9700 §2.4: "The resource owner password credentials grant MUST NOT be used." It exposes the user's
 * credentials to the client, trains users to type their password outside the authorization server, cannot carry
 * multi-factor or passwordless authentication, WebAuthn or federated login, and makes the client a target for
 * credential theft; OAuth 2.1 removes it. Grantor ships it only to migrate legacy first-party clients: it is enabled
 * only when `password` is in `config.grantTypes` AND the client lists it in its `grant_types`, users are checked by
 * the host's `PasswordVerifier`, and attempts are throttled per username and per client IP by the `LoginThrottle`.
 */
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import type { AuthenticatedClient } from '../../domain/client.js';
import { requestedScope } from '../../domain/scope.js';
import { invalidGrant, type OAuthError } from '../../errors/oauth-error.js';
import { fromStoreError } from '../../errors/store-error.js';
import type { LoginThrottle, PasswordVerifier } from '../../ports/password.js';
import { issueTokens, type IssuePorts } from '../../tokens/issue.js';
import type { GrantContext, TokenResponse } from '../grant.js';
import type { PasswordParams } from './codec.js';

/** RFC 6749 §4.3.2 grant type. */
export const passwordGrantType = 'password';

/** The ports of the password grant: token issuance (refresh tokens allowed, §4.3.3), the verifier and the throttle. */
export type PasswordGrantPorts = IssuePorts & {
  readonly passwords: PasswordVerifier;
  readonly loginThrottle: LoginThrottle;
};

/** Throttle keys of one attempt: the username (case-folded, so case variants share a budget) and the peer address. */
export const throttleKeys = (username: string, remoteAddress: string | undefined): readonly string[] => [
  `username:${username.normalize('NFKC').toLowerCase()}`,
  ...(remoteAddress === undefined || remoteAddress === '' ? [] : [`ip:${remoteAddress}`]),
];

/**
 * RFC 6749 §4.3.2 "the authorization server MUST ... protect the endpoint against brute force attacks (e.g., using
 * rate-limitation or generating alerts)": every attempt is counted under each key (all keys, even when the first is
 * over its limit) before the password is checked; over the limit → `invalid_grant`, the verifier is not called.
 */
const throttle = (ports: PasswordGrantPorts, keys: readonly string[], now: number): TE.TaskEither<OAuthError, void> =>
  pipe(
    keys,
    TE.traverseSeqArray((key) => ports.loginThrottle.hit(key, now)),
    TE.mapError(fromStoreError),
    TE.flatMap((hits) =>
      hits.every((h) => h.allowed) ? TE.right(undefined) : TE.left(invalidGrant('Too many login attempts; try again later.', `login throttled: ${keys.join(', ')}`)),
    ),
  );

/**
 * RFC 6749 §4.3.2: validates the resource owner's credentials; wrong credentials are `invalid_grant` (§5.2) with the
 * same description for an unknown user and a wrong password. Scope per §3.3 within the client's registration
 * (`invalid_scope`, never narrowed silently; omitted: the client's registered scope). §4.3.3: a refresh token may be
 * issued (when the client and server enable `refresh_token`); `auth_time` is now.
 */
export const handlePassword =
  (params: PasswordParams, authenticated: AuthenticatedClient): ReaderTaskEither<GrantContext<PasswordGrantPorts>, OAuthError, TokenResponse> =>
  (ctx) => {
    const { client } = authenticated;
    const { ports, now } = ctx;
    return pipe(
      TE.fromEither(requestedScope(params.scope, client.scope, client.scope)),
      TE.tap(() => throttle(ports, throttleKeys(params.username, ctx.request.remoteAddress), now)),
      TE.bindTo('scope'),
      TE.bind('user', () =>
        pipe(
          ports.passwords.verify(params.username, params.password),
          TE.mapError(fromStoreError),
          TE.flatMap(
            O.match(
              () => TE.left<OAuthError, { readonly subject: string }>(invalidGrant('The username or password is incorrect.', 'bad resource owner credentials')),
              (user) => TE.right(user),
            ),
          ),
        ),
      ),
      TE.flatMap(({ scope, user }) =>
        issueTokens({
          client,
          grantType: passwordGrantType,
          grantId: ports.random.token(16),
          subject: user.subject,
          scope,
          authTime: Math.floor(now),
          refresh: { _tag: 'New' },
        })(ctx),
      ),
    );
  };
