import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type { ClientSecretJwtKeyStore } from '@grantor/core/extend';
import type { SqlContext } from '../context.js';
import type { PrivateKeySealer } from './signing-keys.js';

/** The sealer's "kid" for a client's secret: distinct from every signing key id. */
const sealId = (clientId: string): string => `client_secret_jwt:${clientId}`;

const toBase64Url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const fromBase64Url = (b64: string): string => Buffer.from(b64, 'base64url').toString('utf8');

/**
 * The `clientSecretJwtKeys` port on SQL (`grantor_client_secret_jwt_keys`, migration `0002_client_secret_jwt`): the
 * secret of a `client_secret_jwt` client (RFC 7523 §2.2, the HMAC key) as an `oct` JWK sealed with the store's
 * `privateKeySealer` — encrypted at rest when an encrypting sealer is configured, stored in clear (JSON) with the
 * default sealer. `secretFor` answers only for clients registered with `client_secret_jwt`.
 */
export const sqlClientSecretJwtKeys = ({ db, dialect, run, clientCache }: SqlContext, sealer: PrivateKeySealer): ClientSecretJwtKeyStore => ({
  /** Served from the client cache when fresh (opening a sealed key may be slow); `save`/`remove` invalidate it. */
  secretFor: (client) => {
    if (client.tokenEndpointAuthMethod !== 'client_secret_jwt') return () => Promise.resolve(E.right(O.none));
    const cached = clientCache.getSecret(client.clientId);
    if (cached !== undefined) return () => Promise.resolve(E.right(O.some(cached)));
    return run('clientSecretJwtKeys.secretFor', async () => {
      const stamp = clientCache.stamp();
      const row = await db.selectFrom('grantor_client_secret_jwt_keys').select('sealed_key').where('client_id', '=', client.clientId).executeTakeFirst();
      if (row === undefined) return O.none;
      const jwk = await sealer.open(row.sealed_key, sealId(client.clientId));
      const k = jwk['k'];
      if (jwk.kty !== 'oct' || typeof k !== 'string') throw new Error(`client_secret_jwt key of ${client.clientId} is malformed`);
      const secret = fromBase64Url(k);
      clientCache.putSecret(stamp, client.clientId, secret);
      return O.some(secret);
    });
  },
  save: (clientId, secret) =>
    run('clientSecretJwtKeys.save', async () => {
      const sealed = await sealer.seal({ kty: 'oct', k: toBase64Url(secret) }, sealId(clientId));
      const insert = db.insertInto('grantor_client_secret_jwt_keys').values({ client_id: clientId, sealed_key: sealed });
      clientCache.invalidate(clientId);
      try {
        await (dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate({ sealed_key: sealed })
          : insert.onConflict((oc) => oc.column('client_id').doUpdateSet({ sealed_key: sealed }))
        ).execute();
      } finally {
        clientCache.invalidate(clientId);
      }
    }),
  remove: (clientId) =>
    run('clientSecretJwtKeys.remove', async () => {
      clientCache.invalidate(clientId);
      try {
        await db.deleteFrom('grantor_client_secret_jwt_keys').where('client_id', '=', clientId).execute();
      } finally {
        clientCache.invalidate(clientId);
      }
    }),
});
