import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

const rnd = (n = 6): string => randomBytes(n).toString('hex');

export interface SeedFixture {
  /** The seed document written to the SEED file. */
  readonly seed: { readonly clients: readonly Record<string, unknown>[]; readonly users: readonly Record<string, unknown>[] };
  readonly web: { readonly id: string; readonly secret: string; readonly redirectUri: string; readonly redirectUri2: string; readonly postLogoutRedirectUri: string };
  readonly post: { readonly id: string; readonly secret: string; readonly redirectUri: string };
  readonly spa: { readonly id: string; readonly redirectUri: string };
  readonly machine: { readonly id: string; readonly secret: string };
  readonly jwt: { readonly id: string; readonly es256: { readonly key: CryptoKey; readonly kid: string }; readonly rs256: { readonly key: CryptoKey; readonly kid: string } };
  readonly device: { readonly id: string };
  readonly user: { readonly username: string; readonly password: string; readonly sub: string; readonly claims: Readonly<Record<string, unknown>> };
}

const publicJwk = async (key: CryptoKey, kid: string, alg: string): Promise<JWK> => ({ ...(await exportJWK(key)), kid, alg, use: 'sig' });

/** A seed in the acceptance interface's format, with identifiers, secrets and keys new on every call. */
export const makeSeed = async (): Promise<SeedFixture> => {
  const tag = rnd();
  const es = await generateKeyPair('ES256');
  const rs = await generateKeyPair('RS256');
  const esKid = `es-${rnd(4)}`;
  const rsKid = `rs-${rnd(4)}`;
  const web = { id: `web-${tag}`, secret: rnd(24), redirectUri: 'https://rp.example.test/cb', redirectUri2: 'https://rp.example.test/cb2', postLogoutRedirectUri: 'https://rp.example.test/signed-out' };
  const post = { id: `post-${tag}`, secret: rnd(24), redirectUri: 'https://rp2.example.test/cb' };
  const spa = { id: `spa-${tag}`, redirectUri: 'http://127.0.0.1:9/spa/cb' };
  const machine = { id: `machine-${tag}`, secret: rnd(24) };
  const jwtId = `jwt-${tag}`;
  const device = { id: `device-${tag}` };
  const sub = `sub-${rnd(8)}`;
  const claims = {
    sub, name: 'Alice Example', given_name: 'Alice', family_name: 'Example', preferred_username: `alice-${tag}`,
    email: `alice-${tag}@example.test`, email_verified: true,
  };
  const user = { username: `alice-${tag}`, password: `pw-${rnd(10)}`, sub, claims };
  return {
    seed: {
      clients: [
        { client_id: web.id, client_secret: web.secret, client_name: 'Web <RP> & Co', redirect_uris: [web.redirectUri, web.redirectUri2],
          grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid profile email offline_access api:read',
          token_endpoint_auth_method: 'client_secret_basic', logo_uri: 'https://rp.example.test/logo.png',
          post_logout_redirect_uris: [web.postLogoutRedirectUri] },
        { client_id: post.id, client_secret: post.secret, client_name: 'Post RP', redirect_uris: [post.redirectUri],
          grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid profile api:read', token_endpoint_auth_method: 'client_secret_post' },
        { client_id: spa.id, client_name: 'SPA', redirect_uris: [spa.redirectUri], grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'], scope: 'openid profile', token_endpoint_auth_method: 'none' },
        { client_id: machine.id, client_secret: machine.secret, redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
          scope: 'api:read api:write', token_endpoint_auth_method: 'client_secret_basic' },
        { client_id: jwtId, redirect_uris: [], grant_types: ['client_credentials'], response_types: [], scope: 'api:read',
          token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await publicJwk(es.publicKey, esKid, 'ES256'), await publicJwk(rs.publicKey, rsKid, 'RS256')] } },
        { client_id: device.id, client_name: 'TV', redirect_uris: [], grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
          response_types: [], scope: 'openid profile api:read', token_endpoint_auth_method: 'none' },
      ],
      users: [{ username: user.username, password: user.password, claims }],
    },
    web, post, spa, machine, device, user,
    jwt: { id: jwtId, es256: { key: es.privateKey, kid: esKid }, rs256: { key: rs.privateKey, kid: rsKid } },
  };
};
