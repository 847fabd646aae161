/**
 * The SQL store under the real authorization server, through `server.handle`: the code flow (interactions.finish),
 * refresh rotation and reuse detection, the device flow, the JWT bearer grant, token exchange, `client_secret_jwt`
 * client authentication (the secret kept by `clientSecretJwtKeys`, sealed or in clear), introspection and
 * revocation. SQLite `:memory:` always; PostgreSQL in its own schema when reachable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizationServer, httpRequest, type AuthorizationServer, type Client, type HttpResponse } from '@grantor/core';
import { assertionClaims, fakeRuntime, runStoreTask as ok, sha256Base64url, signJws } from '@grantor/testkit';
import { createSqlStore, openSqlStore, type PrivateKeySealer, type SqlStore } from './index.js';
import { createPostgresSchema, describeWithDatabase, postgresProblem } from './test/databases.js';

const issuer = 'https://as.example.test';
const redirectUri = 'https://rp.example.test/cb';
const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';
const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const tokenExchange = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
const clientAssertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const hmacSecret = 'hmac-client-secret-0123456789abcdef-0123456789';

// A test-only ES256 key of the JWT bearer client.
const ecKey = {
  kty: 'EC',
  crv: 'P-256',
  x: 'fElxYbApS7Mome7QdVKdlOJL_TG1INBGrOfWty6e4yk',
  y: '2s478AIpSowkPn6RAUlph3I5qonA5b9z8JCRQVaSbEQ',
  d: 'nGLTf2PK73UxEHTNUC41z2qozjKm65YAPkUoKVNfQpw',
} as const;

const client = (c: Partial<Client> & Pick<Client, 'clientId' | 'grantTypes' | 'tokenEndpointAuthMethod'>): Client => ({
  secretHashes: [],
  redirectUris: [],
  postLogoutRedirectUris: [],
  responseTypes: [],
  scope: ['read', 'write'],
  ...c,
});

const clients: readonly Client[] = [
  client({
    clientId: 'web',
    secretHashes: [{ hash: sha256Base64url('web-secret') }],
    redirectUris: [redirectUri],
    responseTypes: ['code'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', deviceGrant, tokenExchange],
    scope: ['openid', 'offline_access', 'read', 'write'],
    tokenEndpointAuthMethod: 'client_secret_basic',
  }),
  client({
    clientId: 'signer',
    grantTypes: [jwtBearer],
    tokenEndpointAuthMethod: 'private_key_jwt',
    jwks: { keys: [{ kty: ecKey.kty, crv: ecKey.crv, x: ecKey.x, y: ecKey.y, kid: 'k1', alg: 'ES256' }] },
  }),
  client({ clientId: 'hmac', secretHashes: [{ hash: sha256Base64url(hmacSecret) }], grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_jwt' }),
];

/** A sealer that is not JSON (stands for an encrypting one): the stored value must not show the secret. */
const testSealer: PrivateKeySealer = {
  seal: async (jwk, kid) => `sealed:${kid}:${Buffer.from(JSON.stringify(jwk)).toString('hex')}`,
  open: async (text, kid) => {
    const prefix = `sealed:${kid}:`;
    if (!text.startsWith(prefix)) throw new Error('not sealed for this kid');
    return JSON.parse(Buffer.from(text.slice(prefix.length), 'hex').toString()) as ReturnType<PrivateKeySealer['open']> extends Promise<infer J> ? J : never;
  },
};

const body = (r: HttpResponse): Record<string, unknown> => (r._tag === 'Json' ? (r.body as Record<string, unknown>) : {});
const webAuth = `Basic ${Buffer.from('web:web-secret').toString('base64')}`;

interface Harness {
  readonly store: SqlStore;
  readonly server: AuthorizationServer;
  readonly post: (path: string, form: Record<string, string>, auth?: string) => Promise<HttpResponse>;
}

const harness = async (store: SqlStore): Promise<Harness> => {
  for (const c of clients) await ok(store.clients.save(c));
  await ok(store.clientSecretJwtKeys.save('hmac', hmacSecret));
  // Real time: the assertions carry the wall clock's iat/exp.
  const runtime = fakeRuntime({ seed: 7, now: Math.floor(Date.now() / 1000) });
  const server = createAuthorizationServer(
    { issuer, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials', deviceGrant, jwtBearer, tokenExchange], refreshTokens: { reuseGraceSeconds: 0 } },
    { ...store, ...runtime },
  );
  const post = (path: string, form: Record<string, string>, auth?: string) =>
    server.handle(
      httpRequest({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth === undefined ? {} : { authorization: auth }) },
        body: new TextEncoder().encode(new URLSearchParams(form).toString()),
      }),
    );
  return { store, server, post };
};

const serverFlows = (name: string, open: () => Promise<{ readonly store: SqlStore; readonly cleanup: () => Promise<void> }>) => {
  describe(`${name}: the authorization server over the SQL store`, () => {
    let h: Harness;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      const opened = await open();
      cleanup = opened.cleanup;
      h = await harness(opened.store);
    });
    afterAll(async () => cleanup?.());

    const routes = () => h.server.config.routes;
    const tokens = async (form: Record<string, string>, auth?: string) => {
      const r = await h.post(routes().token, form, auth);
      expect(r.status, JSON.stringify(body(r))).toBe(200);
      return body(r);
    };
    const introspect = async (token: string) => body(await h.post(routes().introspection, { token }, webAuth));
    /** What a resource server sees of a token (`server.bearer`): its client and subject, for tokens of any client. */
    const bearer = async (token: string) => {
      const r = await h.server.bearer(httpRequest({ method: 'GET', path: '/api', headers: { authorization: `Bearer ${token}` } }));
      return r._tag === 'Authorized' ? { clientId: r.auth.clientId, subject: r.auth.subject, scope: r.auth.scope } : { rejected: r._tag };
    };

    it('code flow via interactions.finish; refresh rotation; reuse revokes the family', async () => {
      const verifier = 'a-pkce-verifier-that-is-long-enough-for-rfc-7636-section-4-1';
      const query = new URLSearchParams({
        client_id: 'web',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid offline_access read',
        state: 's1',
        code_challenge: sha256Base64url(verifier),
        code_challenge_method: 'S256',
      }).toString();
      const start = await h.server.handle(httpRequest({ method: 'GET', path: routes().authorization, query }));
      expect(start._tag).toBe('Redirect');
      const id = decodeURIComponent((start._tag === 'Redirect' ? start.location : '').split('/').pop() ?? '');
      const done = await h.server.interactions.finish(id, { subject: 'alice', scope: ['openid', 'offline_access', 'read'], authTime: Math.floor(Date.now() / 1000) });
      expect(done._tag).toBe('Redirect');
      const code = new URL(done._tag === 'Redirect' ? done.location : 'invalid:').searchParams.get('code') ?? '';
      const first = await tokens({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, webAuth);
      expect(typeof first['refresh_token']).toBe('string');
      expect(await introspect(String(first['access_token']))).toMatchObject({ active: true, client_id: 'web', sub: 'alice' });
      const rotated = await tokens({ grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) }, webAuth);
      expect(rotated['refresh_token']).not.toBe(first['refresh_token']);
      const reuse = await h.post(routes().token, { grant_type: 'refresh_token', refresh_token: String(first['refresh_token']) }, webAuth);
      expect(body(reuse)['error']).toBe('invalid_grant');
      const after = await h.post(routes().token, { grant_type: 'refresh_token', refresh_token: String(rotated['refresh_token']) }, webAuth);
      expect(body(after)['error']).toBe('invalid_grant');
    });

    it('device flow: pending, approved, tokens once', async () => {
      const started = body(await h.post(routes().deviceAuthorization, { scope: 'read' }, webAuth));
      const deviceCode = String(started['device_code']);
      const approved = await h.server.device.approve(String(started['user_code']), { subject: 'alice', scope: ['read'], authTime: Math.floor(Date.now() / 1000) });
      expect(approved._tag).toBe('Done');
      const issued = await tokens({ grant_type: deviceGrant, device_code: deviceCode }, webAuth);
      expect(await introspect(String(issued['access_token']))).toMatchObject({ active: true, sub: 'alice', scope: 'read' });
      expect((await h.post(routes().token, { grant_type: deviceGrant, device_code: deviceCode }, webAuth)).status).toBe(400);
    });

    it('JWT bearer grant with private_key_jwt client authentication; the grant assertion is single use', async () => {
      const key = { alg: 'ES256' as const, privateJwk: ecKey, kid: 'k1' };
      const clientAuth = async () => ({ client_assertion_type: clientAssertionType, client_assertion: await signJws(assertionClaims('signer', 'signer', issuer), key) });
      const assertion = await signJws(assertionClaims('signer', 'carol', issuer), key);
      const issued = await tokens({ grant_type: jwtBearer, assertion, scope: 'read', ...(await clientAuth()) });
      expect(issued['refresh_token']).toBeUndefined();
      expect(await bearer(String(issued['access_token']))).toEqual({ clientId: 'signer', subject: 'carol', scope: ['read'] });
      expect(body(await h.post(routes().token, { grant_type: jwtBearer, assertion, scope: 'read', ...(await clientAuth()) }))['error']).toBe('invalid_grant');
    });

    it('token exchange of a client_credentials token, then revocation deactivates it', async () => {
      const subject = String((await tokens({ grant_type: 'client_credentials', scope: 'read write' }, webAuth))['access_token']);
      const exchanged = await tokens({ grant_type: tokenExchange, subject_token: subject, subject_token_type: accessTokenType, scope: 'read' }, webAuth);
      expect(exchanged['issued_token_type']).toBe(accessTokenType);
      const token = String(exchanged['access_token']);
      expect(await introspect(token)).toMatchObject({ active: true, client_id: 'web', scope: 'read' });
      expect((await h.post(routes().revocation, { token }, webAuth)).status).toBe(200);
      expect(await introspect(token)).toEqual({ active: false });
      expect(await introspect(subject)).toMatchObject({ active: true });
    });

    it('client_secret_jwt: an HS256 assertion with the stored secret authenticates; another secret does not', async () => {
      const form = async (secret: string) => ({
        grant_type: 'client_credentials',
        scope: 'read',
        client_assertion_type: clientAssertionType,
        client_assertion: await signJws(assertionClaims('hmac', 'hmac', issuer), { alg: 'HS256', secret }),
      });
      const issued = await tokens(await form(hmacSecret));
      expect(await bearer(String(issued['access_token']))).toEqual({ clientId: 'hmac', subject: undefined, scope: ['read'] });
      const wrong = await h.post(routes().token, await form(`${hmacSecret}x`));
      expect({ status: wrong.status, error: body(wrong)['error'] }).toEqual({ status: 401, error: 'invalid_client' });
    });

    it('clientSecretJwtKeys: only for client_secret_jwt clients; remove forgets the secret', async () => {
      const hmac = clients[2] as Client;
      expect(await ok(h.store.clientSecretJwtKeys.secretFor(hmac))).toEqual({ _tag: 'Some', value: hmacSecret });
      await ok(h.store.clientSecretJwtKeys.save('web', 'not-used'));
      expect(await ok(h.store.clientSecretJwtKeys.secretFor(clients[0] as Client))).toEqual({ _tag: 'None' });
      await ok(h.store.clientSecretJwtKeys.remove('web'));
    });
  });
};

serverFlows('sqlite', async () => {
  const store = await openSqlStore({ sqliteFile: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('client_secret_jwt secrets at rest (SQLite)', () => {
  const stored = async (store: SqlStore) => (await store.db.selectFrom('grantor_client_secret_jwt_keys').select('sealed_key').where('client_id', '=', 'hmac').executeTakeFirstOrThrow()).sealed_key;

  it('without a sealer, the secret is stored in clear (an oct JWK as JSON): why client_secret_jwt is discouraged', async () => {
    const store = await openSqlStore({ sqliteFile: ':memory:' });
    try {
      await ok(store.clientSecretJwtKeys.save('hmac', hmacSecret));
      const jwk = JSON.parse(await stored(store)) as { kty: string; k: string };
      expect({ kty: jwk.kty, secret: Buffer.from(jwk.k, 'base64url').toString() }).toEqual({ kty: 'oct', secret: hmacSecret });
    } finally {
      await store.close();
    }
  });

  it('with the privateKeySealer, the stored value is sealed and still opens to the secret', async () => {
    const store = createSqlStore({ db: { sqliteFile: ':memory:' }, privateKeySealer: testSealer });
    try {
      await store.migrate();
      await ok(store.clients.save(clients[2] as Client));
      await ok(store.clientSecretJwtKeys.save('hmac', hmacSecret));
      await ok(store.clientSecretJwtKeys.save('hmac', `${hmacSecret}-2`));
      const sealed = await stored(store);
      expect(sealed.startsWith('sealed:client_secret_jwt:hmac:')).toBe(true);
      expect(sealed).not.toContain(Buffer.from(hmacSecret).toString('base64url'));
      expect(await ok(store.clientSecretJwtKeys.secretFor(clients[2] as Client))).toEqual({ _tag: 'Some', value: `${hmacSecret}-2` });
    } finally {
      await store.close();
    }
  });
});

const problem = await postgresProblem();
describeWithDatabase('postgres server flows', problem, () => {
  serverFlows('postgres', async () => {
    const { url, drop } = await createPostgresSchema();
    const store = await openSqlStore(url);
    return {
      store,
      cleanup: async () => {
        await store.close();
        await drop();
      },
    };
  });
});
