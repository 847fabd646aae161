import * as E from 'fp-ts/lib/Either.js';
import { fromStoreError } from '../errors/store-error.js';
import { json, type HttpResponse } from '../http/http-response.js';
import { publicPart } from '../keys/lifecycle.js';
import type { Signer } from '../ports/keys.js';
import type { Logger } from '../ports/runtime.js';
import type { Route } from '../http/route.js';
import type { ServerConfig } from '../config/server-config.js';
import { failWith } from './render-error.js';

export interface JwksPorts {
  readonly config: ServerConfig;
  readonly signer: Pick<Signer, 'publicJwks'>;
  readonly logger: Logger;
  /** `Cache-Control: max-age` in seconds (default 300; keep it well below the `next` key's lead time). */
  readonly maxAge?: number;
}

/**
 * The `jwks_uri` document (RFC 7517 §5; OpenID Connect Discovery §3 `jwks_uri`): next, active and retired signing
 * keys with `kid`, `alg` and `use: "sig"`, public members only — private members are stripped again here, so a
 * custom `Signer` cannot leak them. GET (and HEAD); cacheable for `maxAge` seconds.
 */
export const jwksRoute = (deps: JwksPorts): Route => ({
  path: deps.config.routes.jwks,
  methods: ['GET', 'HEAD'],
  handle: async (): Promise<HttpResponse> => {
    const jwks = await deps.signer.publicJwks()();
    if (E.isLeft(jwks)) return failWith(deps.logger, 'jwks', fromStoreError(jwks.left));
    return json(200, { keys: jwks.right.keys.map((k) => ({ ...publicPart(k), use: 'sig' })) }, { 'cache-control': `public, max-age=${deps.maxAge ?? 300}` });
  },
});
