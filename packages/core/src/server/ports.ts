import type { ClientAuthPorts } from '../client-auth/authenticate.js';
import type { AuthorizePorts } from '../endpoints/authorize.js';
import type { DeviceAuthorizationPorts } from '../endpoints/device-authorization.js';
import type { AuthorizationCodePorts } from '../grants/authorization-code/handler.js';
import type { ClientCredentialsPorts } from '../grants/client-credentials/handler.js';
import type { DeviceCodePorts } from '../grants/device-code/handler.js';
import type { RefreshTokenGrantPorts } from '../grants/refresh-token/handler.js';
import type { Clock, Logger, Random, SecretHasher } from '../ports/runtime.js';
import type { AccessTokenStore, ClientStore, ReplayCache } from '../ports/stores.js';
import type { TokenHooks } from '../tokens/issue.js';
import type { DeviceVerificationPorts } from './device-verification.js';
import type { InteractionPorts } from './interactions.js';
import type { MoreGrantPorts } from './more-grant-ports.js';
import type { OidcPorts } from './oidc.js';

/** What every server needs: the runtime, clients, access tokens and the replay cache (client assertions). */
export interface BasePorts {
  readonly clock: Clock;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
  readonly clients: ClientStore;
  readonly accessTokens: AccessTokenStore;
  readonly replay: ReplayCache;
  /** Token-format hooks (RFC 9068 JWT access tokens, ID tokens); see `tokens/issue.ts`. */
  readonly tokens?: TokenHooks;
}

/** The built-in grants' ports (the token endpoint dispatches to them). */
export type GrantPorts = AuthorizationCodePorts & RefreshTokenGrantPorts & ClientCredentialsPorts & DeviceCodePorts & MoreGrantPorts;

/**
 * The ports of the other features mounted by `createAuthorizationServer` (authorization endpoint, interaction
 * contract, device flow; OIDC adds its own here, additively).
 */
export type FeaturePorts = AuthorizePorts & InteractionPorts & DeviceAuthorizationPorts & DeviceVerificationPorts & OidcPorts;

/**
 * Every port `createAuthorizationServer` takes: the base, the union of the grants' ports and the features' ports.
 * `@grantor/store-memory`'s store plus `{ clock, random, secrets, logger }` satisfies it.
 */
export type AuthorizationServerPorts = BasePorts & ClientAuthPorts & GrantPorts & FeaturePorts;
