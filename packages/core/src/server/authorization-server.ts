import type { ServerConfig } from '../config/server-config.js';
import type { BearerOptions, BearerResult } from '../endpoints/bearer.js';
import type { DeviceVerificationApi } from '../host/device-verification.js';
import type { InteractionApi } from '../host/interactions.js';
import type { KeyRotationApi } from '../host/key-rotation.js';
import type { HttpRequest } from '../http/http-request.js';
import type { HttpResponse } from '../http/http-response.js';
import type { Route } from '../http/route.js';

/** The object `createAuthorizationServer(config, ports)` returns. Promises here never reject. */
export interface AuthorizationServer {
  readonly config: ServerConfig;
  /** Every route (adapters mount them all; a route added later needs no adapter change). */
  readonly routes: readonly Route[];
  /** True when `path` is one of the server's routes, so an adapter can pass other paths on to the host. */
  readonly matches: (path: string) => boolean;
  /** Dispatches by path (405 with `Allow` for a wrong method, 404 for an unknown path). Never rejects. */
  readonly handle: (req: HttpRequest) => Promise<HttpResponse>;
  /** RFC 6750 bearer-token check for resource servers (adapters' middleware calls this). Never rejects. */
  readonly bearer: (req: HttpRequest, options?: BearerOptions) => Promise<BearerResult>;
  readonly interactions: InteractionApi;
  readonly device: DeviceVerificationApi;
  /**
   * Key rotation on the running server. Present when its signer can rotate: the default jose signer, or a
   * `ports.signer` that has `rotate`/`reload` (e.g. a `joseSigner` built by the host); absent for other custom signers.
   */
  readonly keys?: KeyRotationApi;
}
