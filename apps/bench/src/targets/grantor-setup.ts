/**
 * Builds the Grantor server a target process measures: the core over a store (memory, SQLite or PostgreSQL), the
 * Node runtime ports, one confidential client, and — for the single-use scenarios — N authorization codes or refresh
 * tokens saved through the store ports before the run (the parent rebuilds their values from `${prefix}${i}`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createAuthorizationServer, type AuthorizationServer, type Client } from '@grantor/core';
import { json } from '@grantor/core/extend';
import { nodeRuntime, nodeSigner } from '@grantor/node';
import { CLIENT_ID, CLIENT_SECRET, CODE_VERIFIER, REDIRECT_URI, SCOPE, type ReadyMessage } from '../protocol.js';
import { openStore, type StoreKind } from './stores.js';

export type Preissue = 'none' | 'codes' | 'refresh';

export interface GrantorSetup {
  readonly server: AuthorizationServer;
  /** What goes into the ready message besides `type` and `port`. */
  readonly extra: Omit<ReadyMessage, 'type' | 'port'>;
}

/** Reads `<store> [codes|refresh|none] [stub|jwt]` from argv (`jwt`: RFC 9068 ES256 access tokens). */
export const parseArgs = (argv: readonly string[]): { readonly store: StoreKind; readonly preissue: Preissue; readonly stub: boolean; readonly jwt: boolean } => {
  const store = (argv[0] ?? 'memory') as StoreKind;
  const preissue = (argv[1] ?? 'none') as Preissue;
  if (!['memory', 'sqlite', 'postgres'].includes(store)) throw new TypeError(`unknown store ${store}`);
  if (!['none', 'codes', 'refresh'].includes(preissue)) throw new TypeError(`unknown pre-issue kind ${preissue}`);
  return { store, preissue, stub: argv[2] === 'stub', jwt: argv[2] === 'jwt' };
};

/** A fixed token response, the size of a real one. */
const stubResponse = json(200, { access_token: 'x'.repeat(43), token_type: 'Bearer', expires_in: 3600, scope: SCOPE });

/**
 * The same server with every route answering a fixed token response at once: what the adapter and @grantor/node
 * cost without the core's work (the "adapter-only" targets).
 */
export const stubbed = (server: AuthorizationServer): AuthorizationServer => ({
  ...server,
  routes: server.routes.map((r) => ({ ...r, handle: async () => stubResponse })),
  handle: async () => stubResponse,
});

const unwrap = async <A>(task: () => Promise<{ readonly _tag: 'Left'; readonly left: unknown } | { readonly _tag: 'Right'; readonly right: A }>): Promise<A> => {
  const r = await task();
  if (r._tag === 'Left') throw new Error(`store: ${JSON.stringify(r.left)}`);
  return r.right;
};

export const setupGrantor = async (store: StoreKind, preissue: Preissue, count: number, stub = false, jwt = false): Promise<GrantorSetup> => {
  const runtime = nodeRuntime({ log: { level: 'error' } });
  const stores = await openStore(store);
  const client: Client = {
    clientId: CLIENT_ID,
    secretHashes: [{ hash: runtime.secrets.hash(CLIENT_SECRET) }],
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [],
    grantTypes: ['client_credentials', 'authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    scope: [SCOPE, 'openid', 'offline_access'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  };
  await unwrap(stores.clients.save(client));

  const real = createAuthorizationServer(
    { issuer: 'http://127.0.0.1', scopesSupported: ['openid', 'offline_access', SCOPE], accessTokenFormat: jwt ? 'jwt' : 'opaque' },
    { ...runtime, ...stores, signer: nodeSigner({ keys: stores.keys, clock: runtime.clock, maxTokenLifetime: 3600 + 60 }) },
  );
  const server = stub ? stubbed(real) : real;

  const now = Math.floor(Date.now() / 1000);
  const prefix = `${randomBytes(24).toString('base64url')}.`;
  const extra: GrantorSetup['extra'] = {};
  if (preissue === 'codes') {
    const challenge = createHash('sha256').update(CODE_VERIFIER).digest('base64url');
    for (let i = 0; i < count; i++) {
      await unwrap(stores.authorizationCodes.save({
        codeHash: runtime.secrets.hash(`${prefix}${i}`),
        grantId: `g${i}.${prefix}`,
        clientId: CLIENT_ID,
        redirectUri: REDIRECT_URI,
        subject: `user-${i % 1000}`,
        scope: [SCOPE],
        pkce: { challenge, method: 'S256' },
        authTime: now,
        issuedAt: now,
        expiresAt: now + 3600,
      }));
    }
    return { server, extra: { codes: { prefix, count } } };
  }
  if (preissue === 'refresh') {
    for (let i = 0; i < count; i++) {
      await unwrap(stores.refreshTokens.save({
        tokenHash: runtime.secrets.hash(`${prefix}${i}`),
        grantId: `g${i}.${prefix}`,
        clientId: CLIENT_ID,
        subject: `user-${i % 1000}`,
        scope: [SCOPE],
        grantedScope: [SCOPE],
        authTime: now,
        issuedAt: now,
        expiresAt: now + 86400,
      }));
    }
    return { server, extra: { refreshTokens: { prefix, count } } };
  }
  return { server, extra };
};
