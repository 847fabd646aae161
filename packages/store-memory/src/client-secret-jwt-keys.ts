import * as O from 'fp-ts/lib/Option.js';
import type { ClientSecretJwtKeyStore } from '@grantor/core/extend';
import { atomically } from './compact.js';

/**
 * The `clientSecretJwtKeys` port in memory: the shared secrets of `client_secret_jwt` clients (RFC 7523 §2.2, the
 * HMAC key), by client id. `secretFor` answers only for a client registered with `client_secret_jwt`, so a secret
 * left behind after a client changes method is never used.
 */
export const memoryClientSecretJwtKeys = (): ClientSecretJwtKeyStore => {
  const secrets = new Map<string, string>();
  return {
    secretFor: (client) =>
      atomically(() => {
        if (client.tokenEndpointAuthMethod !== 'client_secret_jwt') return O.none;
        const secret = secrets.get(client.clientId);
        return secret === undefined ? O.none : O.some(secret);
      }),
    save: (clientId, secret) =>
      atomically(() => {
        secrets.set(clientId, secret);
      }),
    remove: (clientId) =>
      atomically(() => {
        secrets.delete(clientId);
      }),
  };
};
