import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { Client, ClientSecretHash, PublicJwk } from '../domain/client.js';
import { invalidRequest, oauthError, type OAuthError } from '../errors/oauth-error.js';
import { fromStoreError } from '../errors/store-error.js';
import { generateSigningKey } from '../keys/generate.js';
import type { Jwk, SigningAlg } from '../ports/keys.js';
import type { Clock, Random, SecretHasher } from '../ports/runtime.js';
import type { ClientStore } from '../ports/stores.js';
import { settle, type Settled } from './settle.js';

/**
 * Operator actions on registered clients, as plain functions over ports (call them from an admin UI, a CLI or a
 * schedule; `createAuthorizationServer`'s ports object satisfies these) through `clientAdmin(ports)`, whose Promises
 * settle as `Done` or `Failed` and never reject:
 * an unknown client is `invalid_client`, a bad option `invalid_request`, a store fault `server_error` /
 * `temporarily_unavailable`. Secrets and private keys are returned once and never stored.
 */
export interface ClientAdminPorts {
  readonly clients: ClientStore;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly clock: Clock;
}

export interface RotateSecretOptions {
  /**
   * Seconds during which the previous secret(s) still authenticate (so the client can be redeployed); 0 (default)
   * removes them at once. An earlier expiry already set on a previous secret is kept.
   */
  readonly overlapSeconds?: number;
}

export interface RotatedSecret {
  readonly clientId: string;
  /** The new secret in clear: show it once, it is not kept (only its SHA-256 is). */
  readonly clientSecret: string;
  /** When the previous secrets stop working (epoch seconds); absent when they were removed. */
  readonly previousExpiresAt?: number;
}

export interface KeyPairOptions {
  readonly alg: SigningAlg;
  /** Drop the client's other registered keys (default: keep them, so assertions signed with them still verify). */
  readonly replace?: boolean;
}

export interface GeneratedKeyPair {
  readonly clientId: string;
  readonly kid: string;
  /** The private key (JWK with `kid` and `alg`): hand it to the client once, it is not kept. */
  readonly privateJwk: Jwk;
  /** The public key as now registered in the client's `jwks` (`kid` = RFC 7638 thumbprint, `alg`, `use: "sig"`). */
  readonly publicJwk: PublicJwk;
}

const secretMethods: readonly Client['tokenEndpointAuthMethod'][] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

const findClient = (clients: ClientStore, clientId: string): TE.TaskEither<OAuthError, Client> =>
  pipe(
    clients.find(clientId),
    TE.mapError(fromStoreError),
    TE.flatMap(O.match(() => TE.left(oauthError('invalid_client', 'No such client.', { detail: `unknown client ${clientId}` })), (c) => TE.right(c))),
  );

const save = (clients: ClientStore, client: Client): TE.TaskEither<OAuthError, Client> =>
  pipe(
    clients.save(client),
    TE.mapError(fromStoreError),
    TE.map(() => client),
  );

/**
 * The client's secret hashes after a rotation at `now`: the new hash (no expiry) first, then each previous hash that
 * is still valid, expiring at `now + overlap` (or its own earlier expiry); with no overlap, only the new one.
 * RFC 7591 §3.2.1 `client_secret_expires_at` semantics per hash; client authentication ignores expired hashes.
 */
export const rotatedSecretHashes = (previous: readonly ClientSecretHash[], newHash: string, now: number, overlapSeconds: number): readonly ClientSecretHash[] => {
  const until = Math.floor(now) + overlapSeconds;
  const kept =
    overlapSeconds === 0
      ? []
      : previous
          .filter((s) => s.expiresAt === undefined || s.expiresAt > now)
          .map((s) => ({ hash: s.hash, expiresAt: s.expiresAt === undefined ? until : Math.min(s.expiresAt, until) }));
  return [{ hash: newHash }, ...kept];
};

/**
 * Rotates a client's secret (RFC 6749 §2.3.1 client password): a fresh 256-bit secret from `ports.random.token(32)`,
 * stored only as `ports.secrets.hash`; the previous secrets keep working for `overlapSeconds`. Only for clients that
 * authenticate with a secret. For `client_secret_jwt`, the host must also update its `clientSecretJwtKeys` port.
 */
const rotateClientSecret =
  (ports: ClientAdminPorts) =>
  (clientId: string, options: RotateSecretOptions = {}): TE.TaskEither<OAuthError, RotatedSecret> => {
    const overlap = options.overlapSeconds ?? 0;
    if (!Number.isInteger(overlap) || overlap < 0) return TE.left(invalidRequest('overlapSeconds must be a non-negative integer.', `overlap ${String(overlap)}`));
    return pipe(
      findClient(ports.clients, clientId),
      TE.filterOrElse(
        (c) => secretMethods.includes(c.tokenEndpointAuthMethod),
        (c) => invalidRequest('This client does not authenticate with a secret.', `method ${c.tokenEndpointAuthMethod}`),
      ),
      TE.flatMap((client) => {
        const now = ports.clock.now();
        const clientSecret = ports.random.token(32);
        const secretHashes = rotatedSecretHashes(client.secretHashes, ports.secrets.hash(clientSecret), now, overlap);
        return pipe(
          save(ports.clients, { ...client, secretHashes }),
          TE.map(() => {
            const ends = secretHashes.slice(1).map((s) => s.expiresAt ?? 0);
            return { clientId, clientSecret, ...(ends.length === 0 ? {} : { previousExpiresAt: Math.max(...ends) }) };
          }),
        );
      }),
    );
  };

/**
 * Generates a signing key pair for a client's `private_key_jwt` assertions (RFC 7523 §2.2, OpenID Connect Core §9):
 * RSA 2048 for RS256/PS256, P-256 for ES256, Ed25519 for EdDSA. The public JWK (RFC 7638 thumbprint `kid`, `alg`,
 * `use: "sig"`) is added to the client's `jwks` (RFC 7591 §2); the private JWK is returned once. A client registered
 * with `jwks_uri` cannot also have `jwks` (RFC 7591 §2), so it is refused.
 */
const generateClientKeyPair =
  (ports: Pick<ClientAdminPorts, 'clients' | 'clock'>) =>
  (clientId: string, options: KeyPairOptions): TE.TaskEither<OAuthError, GeneratedKeyPair> =>
    pipe(
      findClient(ports.clients, clientId),
      TE.filterOrElse(
        (c) => c.jwksUri === undefined,
        () => invalidRequest('This client publishes its keys at jwks_uri; register keys there.', 'client has jwks_uri'),
      ),
      TE.bindTo('client'),
      TE.bind('key', () => pipe(generateSigningKey(options.alg, ports.clock.now()), TE.mapError(fromStoreError))),
      TE.flatMap(({ client, key }) => {
        const publicJwk: PublicJwk = { ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' };
        const previous = options.replace === true ? [] : (client.jwks?.keys ?? []).filter((k) => k.kid !== key.kid);
        return pipe(
          save(ports.clients, { ...client, jwks: { keys: [...previous, publicJwk] } }),
          TE.map(() => ({ clientId, kid: key.kid, privateJwk: key.privateJwk, publicJwk })),
        );
      }),
    );

/** The client operations for a host (admin UI, CLI, schedule); every Promise settles, none rejects. */
export interface ClientAdmin {
  readonly rotateClientSecret: (clientId: string, options?: RotateSecretOptions) => Promise<Settled<RotatedSecret>>;
  readonly generateClientKeyPair: (clientId: string, options: KeyPairOptions) => Promise<Settled<GeneratedKeyPair>>;
}

/** Both admin operations bound to one ports object (`await clientAdmin(ports).rotateClientSecret('svc')`). */
export const clientAdmin = (ports: ClientAdminPorts): ClientAdmin => ({
  rotateClientSecret: (clientId, options) => settle(rotateClientSecret(ports)(clientId, options)),
  generateClientKeyPair: (clientId, options) => settle(generateClientKeyPair(ports)(clientId, options)),
});
