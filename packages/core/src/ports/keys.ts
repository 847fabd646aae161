import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Option } from 'fp-ts/lib/Option.js';
import type { StoreError } from '../errors/store-error.js';

/** JWS algorithms Grantor signs with (RFC 7518 §3.1, RFC 8037 §3.1). RS256 is the OpenID Connect default. */
export type SigningAlg = 'RS256' | 'ES256' | 'PS256' | 'EdDSA';
export const signingAlgs: readonly SigningAlg[] = ['RS256', 'ES256', 'PS256', 'EdDSA'];

/** A JSON Web Key as plain data (RFC 7517 §4). */
export type Jwk = Readonly<Record<string, unknown>> & { readonly kty: string };

/** RFC 7517 §5 JWK Set as published at `jwks_uri`: public members only. */
export interface JwkSet {
  readonly keys: readonly Jwk[];
}

/**
 * Where a signing key is in its life: `next` keys are published before they sign (so caches learn them), the one
 * `active` key per algorithm signs, `retired` keys stay published until every token they signed has expired.
 */
type KeyStatus = 'next' | 'active' | 'retired';

/** One signing key with its state. `privateJwk` is secret: never published, encrypted at rest by a persistent store. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly status: KeyStatus;
  /** Public members plus `kid`, `alg`, `use: "sig"`. */
  readonly publicJwk: Jwk;
  readonly privateJwk: Jwk;
  readonly createdAt: number;
  /** Set when the key became `retired` (epoch seconds). */
  readonly retiredAt?: number;
}

/** The server's signing keys. Invariant kept by `keys/lifecycle.ts`: at most one `active` key per algorithm. */
export interface KeySet {
  readonly keys: readonly SigningKey[];
}

/**
 * Persistence of the key set (load once at start, save after generation and rotation). A persistent store should
 * keep the set encrypted (see `encryptKeySet` / `decryptKeySet`). `None` means no keys yet: the core generates them.
 */
export interface KeyStore {
  readonly load: () => TaskEither<StoreError, Option<KeySet>>;
  readonly save: (keys: KeySet) => TaskEither<StoreError, void>;
}

export interface SignOptions {
  /** Default `RS256`. */
  readonly alg?: SigningAlg;
  /** JOSE `typ` header, e.g. `at+jwt` (RFC 9068 §2.1). */
  readonly typ?: string;
}

/**
 * Produces compact JWS values with the server's active keys. The default is `joseSigner` (keys in memory, jose); a
 * KMS/HSM-backed implementation can replace it. Failures (no key for the algorithm, KMS unreachable) are reported as
 * `StoreError` values (an infrastructure fault: `transient` for a retryable outage), never thrown.
 */
export interface Signer {
  /** Signs the claims as given (the caller sets `iat`/`exp`; the signer adds no claim). Header carries `alg`, `kid`. */
  readonly sign: (payload: Readonly<Record<string, unknown>>, options?: SignOptions) => TaskEither<StoreError, string>;
  /** Every key tokens may be verified with (next, active and retired ones), public members only. */
  readonly publicJwks: () => TaskEither<StoreError, JwkSet>;
  /** Algorithms this signer has an active key for. */
  readonly algorithms: () => readonly SigningAlg[];
}
