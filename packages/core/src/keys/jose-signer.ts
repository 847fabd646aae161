import { importJWK, SignJWT, type JWTPayload } from 'jose';
import type { Jwk, SigningAlg } from '../ports/keys.js';
import { keyringSigner, type JwsSigningFunction, type Keyring, type KeyringOptions } from './keyring.js';

export { defaultSigningAlgorithms, keyringSigner, type JwsHeader, type JwsSigningFunction, type Keyring, type KeyringOptions } from './keyring.js';

type CryptoKeyLike = Awaited<ReturnType<typeof importJWK>>;

/** RFC 7515 §5.1 signing with jose over WebCrypto; imported private keys are cached per `kid`. */
const joseJwsSigning = (): JwsSigningFunction => {
  const imported = new Map<string, Promise<CryptoKeyLike>>();
  const privateKey = (kid: string, jwk: Jwk, alg: SigningAlg): Promise<CryptoKeyLike> => {
    const cached = imported.get(kid);
    if (cached !== undefined) return cached;
    const p = importJWK(jwk as Parameters<typeof importJWK>[0], alg);
    p.catch(() => imported.delete(kid));
    imported.set(kid, p);
    return p;
  };
  return async (key, header, payload) =>
    new SignJWT(payload as JWTPayload).setProtectedHeader({ ...header }).sign(await privateKey(key.kid, key.privateJwk, header.alg));
};

/**
 * The default signer (jose over WebCrypto, keys held in memory) over a `KeyStore`: see `keyringSigner` for loading,
 * first-start generation, rotation and reload. Portable (no `node:*`); `@grantor/node`'s `nodeSigner` is faster on Node.
 */
export const joseSigner = (options: KeyringOptions): Keyring => keyringSigner(options, joseJwsSigning());
