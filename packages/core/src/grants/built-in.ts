import { authorizationCodeGrant } from './authorization-code/index.js';
import { clientCredentialsGrant } from './client-credentials/index.js';
import { deviceCodeGrant } from './device-code/index.js';
import type { PortsOf } from './grant.js';
import { jwtBearerGrant } from './jwt-bearer/index.js';
import { passwordGrant } from './password/index.js';
import { refreshTokenGrant } from './refresh-token/index.js';
import { tokenExchangeGrant } from './token-exchange/index.js';

/**
 * Every grant the token endpoint knows, one line each; `config.grantTypes` enables them. A new grant is a folder
 * under `grants/` exporting a `Grant` record (codec, client policy, ports, handler) and one line here.
 */
export const builtInGrants = [
  authorizationCodeGrant, // RFC 6749 §4.1 (+ RFC 7636 PKCE)
  refreshTokenGrant, // RFC 6749 §6, RFC 9700 §4.14
  clientCredentialsGrant, // RFC 6749 §4.4
  deviceCodeGrant, // RFC 8628
  jwtBearerGrant, // RFC 7523 §2.1
  tokenExchangeGrant, // RFC 8693
  passwordGrant, // RFC 6749 §4.3, legacy: off unless enabled
] as const;

/** The grant types of the built-in grants. */
export type BuiltInGrantType = (typeof builtInGrants)[number]['grantType'];

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * The ports the enabled grant types `G` need, read off the grants' own records: `PortsFor<'password'>` requires
 * `passwords` and `loginThrottle`. A wide `string` (a config not written as a literal) requires nothing at the type
 * level; the construction-time check of each grant's `ports` still applies. The signer and token formats are built by
 * the server, so they are not asked for.
 */
export type PortsFor<G extends string> = string extends G
  ? unknown
  : Omit<UnionToIntersection<PortsOf<Extract<(typeof builtInGrants)[number], { readonly grantType: G }>>>, ComposedPortNames>;

/** Ports the server builds itself from the others (its signer and the token formats): never asked of the host. */
type ComposedPortNames = 'tokens' | 'signer';
