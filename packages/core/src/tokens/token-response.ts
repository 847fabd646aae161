import type { ServerConfig } from '../config/server-config.js';
import type { HttpRequest } from '../http/http-request.js';
import type { DpopBinding } from '../dpop/binding.js';

/** RFC 6749 §5.1 successful token response (plus OIDC `id_token` and RFC 8693 `issued_token_type`). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer' | 'DPoP' | 'N_A';
  readonly expires_in: number;
  readonly scope?: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly issued_token_type?: string;
}

/** What a grant handler reads: the decoded config, its ports, the instant of the request and the raw request. */
export interface GrantContext<P> {
  readonly config: ServerConfig;
  readonly ports: P;
  readonly now: number;
  readonly request: HttpRequest;
  /** RFC 9449: the key of the request's verified DPoP proof; the tokens issued are bound to it. */
  readonly dpop?: DpopBinding;
}
