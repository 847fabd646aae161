import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { createAuthorizationServer, type AuthorizationServer } from '@grantor/core';
import { createMemoryStore } from '@grantor/store-memory';
import { createNodeHandler, nodeRuntime, nodeSigner } from '../index.js';

/**
 * A real Grantor authorization server over HTTP on 127.0.0.1 for the remote-verifier tests, with the resources and
 * clients they need, and a count of the introspection requests it answered.
 */
export interface RemoteAs {
  readonly issuer: string;
  readonly server: AuthorizationServer;
  /** Introspection requests answered so far. */
  readonly introspections: () => number;
  /** A `client_credentials` token of the `app` client (with a DPoP proof when `dpopKey` is given). */
  readonly token: (params: Readonly<Record<string, string>>, dpopKey?: ProofKey) => Promise<string>;
  readonly close: () => Promise<void>;
}

export const resources = {
  /** Opaque tokens; `rs` and `rs-jwt` introspect them. */
  api: 'https://api.example/',
  /** Another resource; nobody of the tests may introspect it. */
  other: 'https://other.example/',
  /** RFC 9068 JWT access tokens. */
  jwt: 'https://jwt.example/',
} as const;

export const rsSecret = 'rs-secret-0123456789abcdef';
const appSecret = 'app-secret-0123456789abcdef';

export interface ProofKey {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
  readonly jkt: string;
}

export const proofKey = async (): Promise<ProofKey> => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
};

/** RFC 9449 §4.2: a DPoP proof for `htm` `htu` (and `ath` for `accessToken`). */
export const dpopProof = async (key: ProofKey, htm: string, htu: string, accessToken?: string): Promise<string> => {
  const ath = accessToken === undefined ? {} : { ath: Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))).toString('base64url') };
  return new SignJWT({ htm, htu, ...ath })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk })
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .sign(key.privateKey);
};

/** Starts the authorization server; `rsJwk` is the public key of the `rs-jwt` client (`private_key_jwt`). */
export const startRemoteAs = async (rsJwk: JWK): Promise<RemoteAs> => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  let introspections = 0;
  const listening: Server = createServer((req, res) => {
    if (req.url?.startsWith('/introspect') === true) introspections += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  const runtime = nodeRuntime({ logger: { log: () => undefined } });
  const store = createMemoryStore({ clock: runtime.clock });
  const base = { redirectUris: [], postLogoutRedirectUris: [], responseTypes: [], scope: ['read', 'write'] } as const;
  await store.clients.save({ ...base, clientId: 'app', secretHashes: [{ hash: runtime.secrets.hash(appSecret) }], grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_basic' })();
  await store.clients.save({ ...base, clientId: 'rs', secretHashes: [{ hash: runtime.secrets.hash(rsSecret) }], grantTypes: [], tokenEndpointAuthMethod: 'client_secret_basic' })();
  await store.clients.save({ ...base, clientId: 'rs-jwt', secretHashes: [], grantTypes: [], tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [rsJwk as never] } })();
  const server = createAuthorizationServer(
    {
      issuer,
      scopesSupported: ['read', 'write'],
      grantTypes: ['client_credentials'],
      resources: [
        { identifier: resources.api, scopes: ['read', 'write'], clientIds: ['rs', 'rs-jwt'] },
        { identifier: resources.other, scopes: ['read', 'write'] },
        { identifier: resources.jwt, scopes: ['read', 'write'], accessTokenFormat: 'jwt', clientIds: ['rs'] },
      ],
    } as never,
    { ...runtime, ...store, signer: nodeSigner({ keys: store.keys, clock: runtime.clock, maxTokenLifetime: 3630 }) },
  );
  handler = createNodeHandler(server) as typeof handler;
  const basic = `Basic ${Buffer.from(`app:${appSecret}`).toString('base64')}`;
  return {
    issuer,
    server,
    introspections: () => introspections,
    token: async (params, dpopKey) => {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
      if (dpopKey !== undefined) headers['dpop'] = await dpopProof(dpopKey, 'POST', `${issuer}/token`);
      const res = await fetch(`${issuer}/token`, { method: 'POST', headers, body: new URLSearchParams({ grant_type: 'client_credentials', ...params }) });
      const body = (await res.json()) as { access_token?: string };
      if (body.access_token === undefined) throw new Error(`no token: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    close: () => new Promise<void>((resolve) => listening.close(() => resolve()) && listening.closeAllConnections()),
  };
};
