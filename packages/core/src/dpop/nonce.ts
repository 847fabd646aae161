import type { ServerConfig } from '../config/server-config.js';
import type { SecretHasher } from '../ports/runtime.js';

/**
 * RFC 9449 §8: server-provided nonces, derived statelessly: the nonce of a time window is the SHA-256 of the
 * configured secret and the window number, so any process with the same secret knows it and nothing is written per
 * request. The current and the previous window's nonces are accepted (a client that just got one keeps working
 * across a rotation).
 */
const nonceOf = (secrets: SecretHasher, secret: string, window: number): string => secrets.hash(`dpop-nonce\u0000${secret}\u0000${window}`);

const windowAt = (config: ServerConfig, now: number): number => Math.floor(now / config.dpop.nonceRotationSeconds);

/** The nonce to send in `DPoP-Nonce` now (§8.1), or `undefined` when nonces are off. */
export const currentNonce = (config: ServerConfig, secrets: SecretHasher, now: number): string | undefined => {
  const secret = config.dpop.nonceSecret;
  return secret === undefined ? undefined : nonceOf(secrets, secret, windowAt(config, now));
};

/** §8: true when nonces are off, or `nonce` is the current or the previous window's nonce. */
export const acceptsNonce = (config: ServerConfig, secrets: SecretHasher, now: number, nonce: unknown): boolean => {
  const secret = config.dpop.nonceSecret;
  if (secret === undefined) return true;
  if (typeof nonce !== 'string') return false;
  const w = windowAt(config, now);
  return nonce === nonceOf(secrets, secret, w) || nonce === nonceOf(secrets, secret, w - 1);
};

/**
 * §8.2 "providing a new nonce value": the `DPoP-Nonce` header of a successful response to a request that carried a
 * proof, when nonces are on (empty otherwise), so a client rotates to the current nonce without a failed round trip.
 */
export const freshNonceHeader = (config: ServerConfig, secrets: SecretHasher, now: number): Readonly<Record<string, string>> => {
  const nonce = currentNonce(config, secrets, now);
  return nonce === undefined ? {} : { 'dpop-nonce': nonce };
};
