import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { storeError, type StoreError } from '../errors/store-error.js';
import { utf8Decode, utf8Encode } from '../http/encoding.js';
import { signingAlgs, type KeySet, type KeyStore, type SigningKey } from '../ports/keys.js';

/**
 * An in-memory `KeyStore` (tests, development, single-process deployments): keys live as long as the process, so
 * every restart publishes new keys and tokens signed before it no longer verify.
 */
export const memoryKeyStore = (initial?: KeySet): KeyStore & { readonly current: () => KeySet | undefined } => {
  let stored = initial;
  return {
    current: () => stored,
    load: () => TE.right(O.fromNullable(stored)),
    save: (keys) => TE.fromIO(() => void (stored = keys)),
  };
};

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

const isSigningKey = (u: unknown): u is SigningKey =>
  isRecord(u) &&
  typeof u['kid'] === 'string' &&
  (signingAlgs as readonly unknown[]).includes(u['alg']) &&
  (u['status'] === 'next' || u['status'] === 'active' || u['status'] === 'retired') &&
  isRecord(u['publicJwk']) &&
  typeof u['publicJwk']['kty'] === 'string' &&
  isRecord(u['privateJwk']) &&
  typeof u['privateJwk']['kty'] === 'string' &&
  typeof u['createdAt'] === 'number' &&
  (u['retiredAt'] === undefined || typeof u['retiredAt'] === 'number');

/** Checks the shape of a key set read back from storage. */
const isKeySet = (u: unknown): u is KeySet => isRecord(u) && Array.isArray(u['keys']) && u['keys'].every(isSigningKey);

/** Key-encryption parameters: PBES2 (RFC 7518 §4.8) derives the key from the secret; A256GCM encrypts the set. */
const alg = 'PBES2-HS512+A256KW';
const enc = 'A256GCM';
const iterations = 100_000;

/**
 * Encrypts a key set for storage at rest as a compact JWE (RFC 7516) with `PBES2-HS512+A256KW` / `A256GCM`: the
 * content key is wrapped with a key derived from `secret` (PBKDF2, RFC 7518 §4.8), so the secret may be a passphrase.
 * Choice made here (rather than leaving it to each store): every persistent store stores one opaque string.
 */
export const encryptKeySet = (set: KeySet, secret: string): TE.TaskEither<StoreError, string> =>
  TE.tryCatch(
    () =>
      new CompactEncrypt(utf8Encode(JSON.stringify(set)))
        .setProtectedHeader({ alg, enc, cty: 'grantor-keyset+json', p2c: iterations })
        .encrypt(utf8Encode(secret)),
    (cause) => storeError('could not encrypt the signing key set', { cause }),
  );

/** Decrypts what `encryptKeySet` produced; a wrong secret or a damaged value is a (non-transient) `StoreError`. */
export const decryptKeySet = (jwe: string, secret: string): TE.TaskEither<StoreError, KeySet> =>
  pipe(
    TE.tryCatch(
      () => compactDecrypt(jwe, utf8Encode(secret), { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc], maxPBES2Count: iterations }),
      (cause) => storeError('could not decrypt the signing key set (wrong secret or damaged value)', { cause }),
    ),
    TE.flatMap(({ plaintext }) => {
      const text = utf8Decode(plaintext);
      let parsed: unknown;
      try {
        parsed = text === undefined ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return isKeySet(parsed) ? TE.right(parsed) : TE.left(storeError('the decrypted signing key set is malformed'));
    }),
  );

/** Where a persistent store keeps the encrypted key set: one opaque string. */
export interface KeyBlobStore {
  readonly load: () => TE.TaskEither<StoreError, O.Option<string>>;
  readonly save: (blob: string) => TE.TaskEither<StoreError, void>;
}

/** A `KeyStore` that keeps the set encrypted with `secret` in a blob store (a row, a file, a secret manager). */
export const encryptedKeyStore = (blobs: KeyBlobStore, secret: string): KeyStore => ({
  load: () =>
    pipe(
      blobs.load(),
      TE.flatMap(O.match((): TE.TaskEither<StoreError, O.Option<KeySet>> => TE.right(O.none), (blob) => TE.map((set: KeySet) => O.some(set))(decryptKeySet(blob, secret)))),
    ),
  save: (set) => pipe(encryptKeySet(set, secret), TE.flatMap(blobs.save)),
});

/**
 * Seals one private JWK for a store that keeps keys row by row (e.g. `@grantor/store-sql`'s `PrivateKeySealer`): a
 * compact JWE like {@link encryptKeySet}, whose protected header names the `kid`, and `open` refuses a value sealed
 * for another key (a row swapped in the database). Promise-based to match such store options; rejects on failure.
 */
export const jwePrivateKeySealer = (secret: string) => ({
  seal: (privateJwk: Readonly<Record<string, unknown>>, kid: string): Promise<string> =>
    new CompactEncrypt(utf8Encode(JSON.stringify(privateJwk))).setProtectedHeader({ alg, enc, kid, p2c: iterations }).encrypt(utf8Encode(secret)),
  open: async (sealed: string, kid: string): Promise<Readonly<Record<string, unknown>> & { readonly kty: string }> => {
    const { plaintext, protectedHeader } = await compactDecrypt(sealed, utf8Encode(secret), {
      keyManagementAlgorithms: [alg],
      contentEncryptionAlgorithms: [enc],
      maxPBES2Count: iterations,
    });
    if (protectedHeader.kid !== kid) throw new Error(`sealed private key belongs to ${String(protectedHeader.kid)}, not ${kid}`);
    const parsed: unknown = JSON.parse(utf8Decode(plaintext) ?? '');
    if (!isRecord(parsed) || typeof parsed['kty'] !== 'string') throw new Error('sealed private key is malformed');
    return parsed as Readonly<Record<string, unknown>> & { readonly kty: string };
  },
});
