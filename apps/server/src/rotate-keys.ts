import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Logger } from '@grantor/core';
import { createCore } from './core-bridge.js';
import { readEnv } from './env.js';

/**
 * `node apps/server/dist/main.js rotate-keys`: rotates the signing keys of the persistent store named by the same
 * environment as the server (DATABASE_URL or DATA_DIR, KEY_ENCRYPTION_SECRET) and exits. The next key becomes active,
 * the active one is retired but stays published until the tokens it signed expire. A running server picks the change
 * up within a minute (or at once on SIGHUP).
 */
export const rotateKeysCommand = async (vars: Readonly<Record<string, string | undefined>>, logger: Logger, print: (line: string) => void): Promise<void> => {
  const env = readEnv(vars);
  if (env.store.kind === 'memory') throw new Error('rotate-keys needs a persistent store: set DATA_DIR or DATABASE_URL (the in-memory store ends with its process)');
  const core = await createCore({
    env,
    scopes: ['openid'],
    clients: [],
    claims: () => ({ claims: () => TE.right(O.none) }),
    idTokenClaims: false,
    logger,
    prefix: '',
  });
  try {
    const keys = core.server.keys;
    if (keys === undefined) throw new Error('the signer cannot rotate keys');
    const result = await keys.rotate();
    if (result._tag === 'Failed') throw new Error(`rotation failed: ${result.error.detail}`);
    print(`signing keys rotated; active: ${result.active.map((k) => `${k.alg} ${k.kid}`).join(', ')}; published: ${result.jwks.keys.length} keys`);
  } finally {
    await core.close();
  }
};
