import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import type { Codec } from '../codec/decode.js';
import type { AuthenticatedClient } from '../domain/client.js';
import type { OAuthError } from '../errors/oauth-error.js';
import type { GrantContext, TokenResponse } from '../tokens/token-response.js';

export type { GrantContext, TokenResponse } from '../tokens/token-response.js';

/**
 * A grant is a small record: its `grant_type`, the codec of its own parameters, which clients may use it, the ports
 * it needs, and a handler. Registering a grant is one line in `grants/built-in.ts`. The token endpoint decodes the envelope, authenticates the client, then hands over to the grant.
 * `P` is exactly the set of ports the grant uses; `createAuthorizationServer` requires the union for the grants
 * enabled.
 */
export interface Grant<P, Params = unknown, T extends string = string> {
  readonly grantType: T;
  readonly params: Codec<Params>;
  /** `confidential`: only authenticated confidential clients (RFC 6749 §4.4); `any`: public clients too. */
  readonly clients: 'confidential' | 'any';
  /**
   * The ports the handler reads that a server may lack (everything else in `P` every server has). Checked at
   * construction: `createAuthorizationServer` throws a `TypeError` naming the first one missing when the grant is
   * enabled, so a request never meets a missing port.
   */
  readonly ports: readonly (keyof P & string)[];
  readonly handle: (params: Params, client: AuthenticatedClient) => ReaderTaskEither<GrantContext<P>, OAuthError, TokenResponse>;
}

/** Infers the ports a grant needs. */
export type PortsOf<G> = G extends Grant<infer P, infer _A, infer _T> ? P : never;
