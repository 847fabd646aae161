import { jwtBearerGrantType } from '../grants/jwt-bearer/handler.js';
import { passwordGrantType } from '../grants/password/handler.js';
import type { TokenExchangePolicy } from '../grants/token-exchange/policy.js';
import { tokenExchangeGrantType } from '../grants/token-exchange/token-types.js';
import type { LoginThrottle, PasswordVerifier } from '../ports/password.js';
import type { ReplayCache } from '../ports/stores.js';

/**
 * The ports each optional grant adds, by grant type (beyond `BasePorts`, which every server has). `PortsFor` turns
 * the grant types of a config into the ports it requires; `createAuthorizationServer` also checks them at runtime.
 */
export interface GrantPortsByType {
  /** RFC 6749 §4.3 (legacy): the host's password check and the attempt throttle. */
  readonly password: { readonly passwords: PasswordVerifier; readonly loginThrottle: LoginThrottle };
  /** RFC 7523 §2.1: only the replay cache, which every server already has. */
  readonly 'urn:ietf:params:oauth:grant-type:jwt-bearer': { readonly replay: ReplayCache };
  /** RFC 8693: an optional policy (default `ownTokensPolicy()`). */
  readonly 'urn:ietf:params:oauth:grant-type:token-exchange': { readonly tokenExchangePolicy?: TokenExchangePolicy };
}

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The ports the grant types `G` need beyond the base: `PortsFor<'password' | 'client_credentials'>` is
 * `{ passwords; loginThrottle }`. A wide `string` (a config not written as a literal) requires nothing at the type
 * level; the runtime check in `createAuthorizationServer` still applies.
 */
export type PortsFor<G extends string> = UnionToIntersection<G extends keyof GrantPortsByType ? GrantPortsByType[G] : unknown>;

/** The optional grants' ports as members of `AuthorizationServerPorts` (present when their grant is enabled). */
export interface MoreGrantPorts {
  readonly passwords?: PasswordVerifier;
  readonly loginThrottle?: LoginThrottle;
  readonly tokenExchangePolicy?: TokenExchangePolicy;
}

/** The ports each grant type requires at runtime (`createAuthorizationServer` throws a `TypeError` without them). */
export const requiredGrantPorts: Readonly<Record<string, readonly (keyof MoreGrantPorts | 'replay')[]>> = Object.freeze({
  [passwordGrantType]: ['passwords', 'loginThrottle'],
  [jwtBearerGrantType]: ['replay'],
  [tokenExchangeGrantType]: [],
});

/**
 * Throws a `TypeError` naming the first port an enabled grant needs and `ports` lacks (at construction, never at
 * request time).
 */
export const checkGrantPorts = (grantTypes: readonly string[], ports: object): void => {
  for (const grantType of grantTypes) {
    for (const name of requiredGrantPorts[grantType] ?? []) {
      if ((ports as Readonly<Record<string, unknown>>)[name] === undefined) {
        throw new TypeError(`createAuthorizationServer: ports.${name} is required by the ${grantType} grant`);
      }
    }
  }
};
