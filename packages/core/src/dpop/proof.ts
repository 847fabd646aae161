import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { calculateJwkThumbprint, compactVerify, EmbeddedJWK, type JWK } from 'jose';
import type { ServerConfig } from '../config/server-config.js';
import { oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { utf8Decode } from '../http/encoding.js';
import { looksLikeJws } from '../keys/verify.js';
import type { SecretHasher } from '../ports/runtime.js';
import type { ReplayCache } from '../ports/stores.js';
import type { DpopBinding } from './binding.js';
import { sameHtu } from './htu.js';
import { acceptsNonce, currentNonce } from './nonce.js';

/** RFC 9449 §4.2: the `typ` of a DPoP proof. */
const proofType = 'dpop+jwt';

/** What verifying a proof needs: the config (algorithms, window, nonce secret), the replay cache and SHA-256. */
export interface DpopProofPorts {
  readonly config: ServerConfig;
  readonly replay: ReplayCache;
  readonly secrets: SecretHasher;
}

/** The request a proof must be for (§4.3 checks 8, 9, 12) and the instant of checking. */
export interface ProofExpectation {
  readonly method: string;
  /** The absolute URI of the request (query and fragment are ignored). */
  readonly url: string;
  /** At a resource: the access token sent with the proof (`ath`, §4.3 check 12); absent at the token endpoint. */
  readonly accessToken?: string;
  readonly now: number;
}

const invalidProof = (detail: string): OAuthError => oauthError('invalid_dpop_proof', 'The DPoP proof is invalid.', { detail });

/** §8: `use_dpop_nonce` with the nonce to use in `DPoP-Nonce`. */
const nonceRequired = (ports: DpopProofPorts, now: number): OAuthError =>
  oauthError('use_dpop_nonce', 'A DPoP nonce is required.', { detail: 'missing or stale DPoP nonce', headers: { 'dpop-nonce': currentNonce(ports.config, ports.secrets, now) ?? '' } });

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === 'object' && u !== null && !Array.isArray(u);

/** §4.3 checks 2–6: a JWS signed by the public key in its own `jwk` header, with `typ` `dpop+jwt` and an accepted alg. */
const verifySignature = (config: ServerConfig, proof: string): TE.TaskEither<OAuthError, { readonly jwk: JWK; readonly claims: Readonly<Record<string, unknown>> }> =>
  TE.tryCatch(
    async () => {
      const { protectedHeader, payload } = await compactVerify(proof, EmbeddedJWK, { algorithms: [...config.dpop.signingAlgs] });
      if (protectedHeader.typ !== proofType) throw new Error(`typ ${String(protectedHeader.typ)}`);
      const jwk = protectedHeader.jwk;
      if (!isRecord(jwk) || 'd' in jwk || 'k' in jwk) throw new Error('jwk is not a public key');
      const text = utf8Decode(payload);
      const claims: unknown = text === undefined ? undefined : JSON.parse(text);
      if (!isRecord(claims)) throw new Error('payload is not a JSON object');
      return { jwk, claims };
    },
    (cause) => invalidProof(cause instanceof Error ? `${cause.name}: ${cause.message}` : 'DPoP proof verification failed'),
  );

/** §4.3 checks 7–12 on the claims, with the clock of the request (never the system clock). */
const checkClaims = (ports: DpopProofPorts, claims: Readonly<Record<string, unknown>>, expected: ProofExpectation): OAuthError | undefined => {
  const { jti, htm, htu, iat, ath } = claims;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) return invalidProof('jti missing or malformed');
  if (htm !== expected.method) return invalidProof(`htm ${String(htm)} for ${expected.method}`);
  if (!sameHtu(htu, expected.url)) return invalidProof(`htu ${String(htu)} for ${expected.url}`);
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalidProof('iat missing');
  if (Math.abs(expected.now - iat) > ports.config.dpop.proofMaxAgeSeconds) return invalidProof(`iat ${iat} outside the window at ${expected.now}`);
  if (expected.accessToken !== undefined && ath !== ports.secrets.hash(expected.accessToken)) return invalidProof('ath does not match the access token');
  if (!acceptsNonce(ports.config, ports.secrets, expected.now, claims['nonce'])) return nonceRequired(ports, expected.now);
  return undefined;
};

/**
 * Verifies a DPoP proof JWT (RFC 9449 §4.3): one compact JWS (check 1–2), `typ` `dpop+jwt` (4), an asymmetric
 * algorithm from `config.dpop.signingAlgs` (5), a signature by the public `jwk` in its header (6, 7), `htm`/`htu`
 * for this request (8, 9), a server nonce when nonces are on (10, §8), `iat` within `proofMaxAgeSeconds` (11), `ath`
 * for the presented access token (12), and a `jti` never seen before for this key (§11.1, through the replay-cache
 * port). Success is the key's RFC 7638 thumbprint; every failure `invalid_dpop_proof` or `use_dpop_nonce`.
 */
export const verifyDpopProof = (ports: DpopProofPorts, proof: string, expected: ProofExpectation): TE.TaskEither<OAuthError, DpopBinding> => {
  if (!looksLikeJws(proof)) return TE.left(invalidProof('not one compact JWS'));
  return pipe(
    verifySignature(ports.config, proof),
    TE.flatMap(({ jwk, claims }) => {
      const refused = checkClaims(ports, claims, expected);
      return refused === undefined ? TE.right({ jwk, claims }) : TE.left(refused);
    }),
    TE.bind('jkt', ({ jwk }) => TE.tryCatch(() => calculateJwkThumbprint(jwk, 'sha256'), () => invalidProof('no thumbprint for the jwk'))),
    TE.tap(({ jkt, claims }) =>
      pipe(
        ports.replay.remember(`dpop:${jkt}:${String(claims['jti'])}`, Math.floor(expected.now) + 2 * ports.config.dpop.proofMaxAgeSeconds + 1),
        TE.mapError(fromStoreError),
        TE.flatMap((fresh) => (fresh ? TE.right(undefined) : TE.left(invalidProof('replayed jti')))),
      ),
    ),
    TE.map(({ jkt }) => ({ jkt })),
  );
};

/**
 * The one `DPoP` header of a request (§4.3 check 1: "not more than one"): absent → `undefined`; repeated headers
 * arrive joined with `, ` and are refused, as is anything that is not one JWS.
 */
export const dpopHeader = (headers: Readonly<Record<string, string | undefined>>): { readonly proof?: string } | OAuthError => {
  const raw = headers['dpop'];
  if (raw === undefined) return {};
  const value = raw.trim();
  return looksLikeJws(value) ? { proof: value } : invalidProof('DPoP header repeated or malformed');
};
