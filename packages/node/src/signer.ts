import { constants, createPrivateKey, sign as cryptoSign, type JsonWebKey, type KeyObject } from 'node:crypto';
import { type KeyStore, type Clock } from '@grantor/core';
import { defaultSigningAlgorithms, keyringSigner, type JwsSigningFunction, type Keyring, type KeyringOptions, type SigningAlg } from '@grantor/core/extend';

export interface NodeSignerOptions {
  /** Where the key set is kept (load at first use, save after generation and rotation). */
  readonly keys: KeyStore;
  readonly clock: Clock;
  /** Algorithms that always have an active key. Default `['RS256', 'ES256']`. */
  readonly algorithms?: readonly SigningAlg[];
  /** The longest lifetime (seconds) of any token these keys sign: retired keys stay published this long. */
  readonly maxTokenLifetime: number;
}

const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/**
 * One synchronous `node:crypto` signature per algorithm (RFC 7518 §3.3 RS256: RSASSA-PKCS1-v1_5 with SHA-256; §3.4
 * ES256: ECDSA P-256 SHA-256, the JWS signature being R‖S (IEEE P1363), not DER; §3.5 PS256: RSASSA-PSS, SHA-256,
 * MGF1-SHA-256, 32-byte salt; RFC 8037 §3.1 EdDSA: Ed25519 over the signing input, no pre-hash).
 */
const signWith = (alg: SigningAlg, key: KeyObject, input: Buffer): Buffer => {
  switch (alg) {
    case 'RS256':
      return cryptoSign('RSA-SHA256', input, key);
    case 'ES256':
      return cryptoSign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
    case 'PS256':
      return cryptoSign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'EdDSA':
      return cryptoSign(null, input, key);
  }
};

/**
 * RFC 7515 §5.1 compact JWS signing with `node:crypto` KeyObjects (imported once per `kid` with
 * `createPrivateKey({ format: 'jwk' })`), synchronous: no WebCrypto promise per signature.
 */
export const nodeJwsSigning = (): JwsSigningFunction => {
  const keyObjects = new Map<string, KeyObject>();
  const keyObject = (kid: string, jwk: Readonly<Record<string, unknown>>): KeyObject => {
    const cached = keyObjects.get(kid);
    if (cached !== undefined) return cached;
    const made = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    keyObjects.set(kid, made);
    return made;
  };
  return (key, header, payload) => {
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    const signature = signWith(header.alg, keyObject(key.kid, key.privateJwk), Buffer.from(input, 'ascii'));
    return `${input}.${signature.toString('base64url')}`;
  };
};

/**
 * The core's `Signer` port (a `Keyring`: `sign`, `publicJwks`, `algorithms`, `keySet`, `rotate`, `reload`) with the
 * same key-set behaviour as `joseSigner` — the core's `keyringSigner` loads, generates on first start, rotates and
 * reloads — but signing synchronously with `node:crypto`. Pass it as the `signer` port; `server.keys` keeps working.
 */
export const nodeSigner = (options: NodeSignerOptions): Keyring => {
  const keyring: KeyringOptions = {
    store: options.keys,
    clock: options.clock,
    algorithms: options.algorithms ?? defaultSigningAlgorithms,
    maxTokenLifetime: options.maxTokenLifetime,
  };
  return keyringSigner(keyring, nodeJwsSigning());
};
