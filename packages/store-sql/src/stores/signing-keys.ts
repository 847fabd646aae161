import * as O from 'fp-ts/lib/Option.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '@grantor/core';
import type { SqlContext } from '../context.js';
import { epoch } from '../rows.js';
import type { NewRow, Row } from '../schema.js';

/**
 * The signing key set, one row per key. These types are structurally the `KeyStore` port of `@grantor/core`
 * (`ports/keys.ts`: `SigningKey`, `KeySet`), declared here so this package does not depend on that module's export.
 */
export type StoredJwk = Readonly<Record<string, unknown>> & { readonly kty: string };
export type StoredSigningAlg = 'RS256' | 'ES256' | 'PS256' | 'EdDSA';
export interface StoredSigningKey {
  readonly kid: string;
  readonly alg: StoredSigningAlg;
  readonly status: 'next' | 'active' | 'retired';
  readonly publicJwk: StoredJwk;
  readonly privateJwk: StoredJwk;
  readonly createdAt: number;
  readonly retiredAt?: number;
}
export interface StoredKeySet {
  readonly keys: readonly StoredSigningKey[];
}
export interface SqlKeyStore {
  /** `None` when no key was ever saved (the core then generates the first keys). */
  readonly load: () => TaskEither<StoreError, O.Option<StoredKeySet>>;
  /** Replaces the stored set with `keys` (upsert every key, delete keys no longer in the set), in one transaction. */
  readonly save: (keys: StoredKeySet) => TaskEither<StoreError, void>;
}

/**
 * How private JWKs are kept at rest in `private_jwk`. The default stores them as JSON (protect the database); pass
 * a sealer that encrypts (e.g. a KMS, or a JWE with a server secret) to keep them encrypted.
 */
export interface PrivateKeySealer {
  readonly seal: (privateJwk: StoredJwk, kid: string) => Promise<string>;
  readonly open: (sealed: string, kid: string) => Promise<StoredJwk>;
}

export const plainJsonSealer: PrivateKeySealer = {
  seal: async (jwk) => JSON.stringify(jwk),
  open: async (text) => parseJwk(text),
};

const algs: readonly string[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

const parseJwk = (text: string): StoredJwk => {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as { kty?: unknown }).kty !== 'string') {
    throw new Error('stored JWK is malformed');
  }
  return value as StoredJwk;
};

const rowToKey = async (r: Row<'grantor_signing_keys'>, sealer: PrivateKeySealer): Promise<StoredSigningKey> => {
  if (!algs.includes(r.alg)) throw new Error(`signing key ${r.kid}: unknown alg ${r.alg}`);
  if (r.status !== 'next' && r.status !== 'active' && r.status !== 'retired') throw new Error(`signing key ${r.kid}: unknown status ${r.status}`);
  return {
    kid: r.kid,
    alg: r.alg as StoredSigningAlg,
    status: r.status,
    publicJwk: parseJwk(r.public_jwk),
    privateJwk: await sealer.open(r.private_jwk, r.kid),
    createdAt: Number(r.created_at),
    ...(r.retired_at === null ? {} : { retiredAt: Number(r.retired_at) }),
  };
};

export const sqlKeyStore = ({ db, dialect, run, transaction }: SqlContext, sealer: PrivateKeySealer = plainJsonSealer): SqlKeyStore => ({
  load: () =>
    run('keys.load', async () => {
      const rows = await db.selectFrom('grantor_signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
      if (rows.length === 0) return O.none;
      return O.some({ keys: await Promise.all(rows.map((r) => rowToKey(r, sealer))) });
    }),
  save: (set) =>
    run('keys.save', async () => {
      // Seal outside the transaction (it may call a KMS), then write the set atomically.
      const rows: NewRow<'grantor_signing_keys'>[] = await Promise.all(
        set.keys.map(async (k) => ({
          kid: k.kid,
          alg: k.alg,
          status: k.status,
          public_jwk: JSON.stringify(k.publicJwk),
          private_jwk: await sealer.seal(k.privateJwk, k.kid),
          created_at: epoch(k.createdAt),
          retired_at: k.retiredAt === undefined ? null : epoch(k.retiredAt),
        })),
      );
      await transaction(async (trx) => {
        const stale = trx.deleteFrom('grantor_signing_keys');
        await (rows.length === 0 ? stale : stale.where('kid', 'not in', rows.map((r) => r.kid))).execute();
        for (const row of rows) {
          const { kid: _kid, ...rest } = row;
          const insert = trx.insertInto('grantor_signing_keys').values(row);
          await (dialect === 'mysql' ? insert.onDuplicateKeyUpdate(rest) : insert.onConflict((oc) => oc.column('kid').doUpdateSet(rest))).execute();
        }
      });
    }),
});

