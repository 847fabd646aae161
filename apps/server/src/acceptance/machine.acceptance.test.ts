import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import * as jose from 'jose';
import { basic, clientAssertion, makeWorld, post, rnd, startServer, type Server, type World } from './harness.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe('§5 client authentication, client_credentials, introspection, revocation', () => {
  let s: Server;
  let w: World;
  beforeAll(async () => {
    w = await makeWorld();
    s = await startServer(w.seed);
  });
  afterAll(async () => {
    await s?.stop();
  });
  const tok = (p: Record<string, string>, h: Record<string, string> = {}) => post(s.ep('token_endpoint'), p, h);
  const ccBasic = () => tok({ grant_type: 'client_credentials' }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
  const assertion = (aud = s.issuer, jti?: string) => clientAssertion(w.jwtKey, 'ES256', w.jwtKid, w.jwt.client_id, aud, jti);

  it('client_credentials: access token, never a refresh token (even with refresh_token registered)', async () => {
    const r = await ccBasic();
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.headers.get('cache-control')).toMatch(/no-store/);
    expect(typeof r.json['access_token']).toBe('string');
    expect(r.json['token_type']).toMatch(/^bearer$/i);
    expect(r.json).not.toHaveProperty('refresh_token');
    const withScope = await tok({ grant_type: 'client_credentials', scope: w.apiScope }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(withScope.status).toBe(200);
    const bad = await tok({ grant_type: 'client_credentials', scope: `${w.apiScope} openid` }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    expect(bad.status).toBe(400);
    expect(bad.json['error']).toBe('invalid_scope');
  });

  it('client_credentials via client_secret_post', async () => {
    const r = await tok({ grant_type: 'client_credentials', client_id: w.post.client_id, client_secret: w.post.client_secret });
    expect(r.status).toBe(200);
    expect(r.json).not.toHaveProperty('refresh_token');
  });

  it('private_key_jwt ES256 and RS256 with aud = issuer; jti single-use', async () => {
    const a = await assertion();
    const r = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a });
    expect(r.status).toBe(200);
    expect(r.json).not.toHaveProperty('refresh_token');
    const again = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a });
    expect(again.status).toBe(401);
    expect(again.json['error']).toBe('invalid_client');
    const jti = rnd(10);
    const a1 = await assertion(s.issuer, jti);
    expect((await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a1 })).status).toBe(200);
    const a2 = await assertion(s.issuer, jti);
    const reused = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a2 });
    expect(reused.json['error']).toBe('invalid_client');
    const rs = await clientAssertion(w.jwtRsKey, 'RS256', w.jwtRsKid, w.jwtRs.client_id, s.issuer);
    const rr = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: rs });
    expect(rr.status).toBe(200);
  });

  it('private_key_jwt: wrong aud, wrong key, wrong kid, alg none → invalid_client', async () => {
    const wrongAud = await assertion(`${s.issuer}/other`);
    const wrongKey = await clientAssertion(w.jwtRsKey, 'RS256', w.jwtKid, w.jwt.client_id, s.issuer);
    const wrongKid = await clientAssertion(w.jwtKey, 'ES256', 'nope', w.jwt.client_id, s.issuer);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const none = `${b64({ alg: 'none' })}.${b64({ iss: w.jwt.client_id, sub: w.jwt.client_id, aud: s.issuer, jti: rnd(), exp: now + 60, iat: now })}.`;
    const mk = (claims: Record<string, unknown>) => new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: w.jwtKid }).sign(w.jwtKey);
    const base = { iss: w.jwt.client_id, sub: w.jwt.client_id, aud: s.issuer, iat: now, exp: now + 60 };
    const noJti = await mk(base);
    const expired = await mk({ ...base, jti: rnd(), exp: now - 300 });
    const noExp = await mk({ iss: w.jwt.client_id, sub: w.jwt.client_id, aud: s.issuer, jti: rnd() });
    const issNotSub = await mk({ ...base, jti: rnd(), iss: 'someone-else' });
    for (const a of [wrongAud, wrongKey, wrongKid, none, 'garbage', 'a.b.c', noJti, expired, noExp, issNotSub]) {
      const r = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a });
      expect(r.status, a).toBe(401);
      expect(r.json['error']).toBe('invalid_client');
    }
  });

  it('a client assertion used at the introspection endpoint cannot be used again at the token endpoint', async () => {
    const a = await assertion();
    const i = await post(s.ep('introspection_endpoint'), { token: 'x', client_assertion_type: JWT_BEARER, client_assertion: a });
    expect(i.status).toBe(200);
    const t = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: a });
    expect(t.json['error']).toBe('invalid_client');
  });

  it('oauth client libraries: openid-client client_credentials with PrivateKeyJwt and ClientSecretPost', async () => {
    const cfg = await client.discovery(new URL(s.issuer), w.jwt.client_id, undefined,
      client.PrivateKeyJwt({ key: w.jwtKey, kid: w.jwtKid }), { execute: [client.allowInsecureRequests] });
    const t = await client.clientCredentialsGrant(cfg, { scope: w.apiScope });
    expect(t.access_token).toBeTruthy();
    const cfg2 = await client.discovery(new URL(s.issuer), w.post.client_id, w.post.client_secret, client.ClientSecretPost(), { execute: [client.allowInsecureRequests] });
    expect((await client.clientCredentialsGrant(cfg2)).access_token).toBeTruthy();
  });

  it('each client authenticates only with its registered method', async () => {
    // basic client via post
    const a = await tok({ grant_type: 'client_credentials', client_id: w.cc.client_id, client_secret: w.cc.client_secret });
    expect(a.json['error']).toBe('invalid_client');
    expect(a.status).toBe(401);
    // post client via basic
    const b = await tok({ grant_type: 'client_credentials' }, { authorization: basic(w.post.client_id, w.post.client_secret) });
    expect(b.json['error']).toBe('invalid_client');
    expect(b.status).toBe(401);
    expect(b.headers.get('www-authenticate') ?? '').toMatch(/^Basic/i);
    // confidential client as public (no secret)
    const c = await tok({ grant_type: 'client_credentials', client_id: w.cc.client_id });
    expect(c.json['error']).toBe('invalid_client');
    // jwt client via secret
    const d = await tok({ grant_type: 'client_credentials', client_id: w.jwt.client_id, client_secret: 'x' });
    expect(d.json['error']).toBe('invalid_client');
    // public client with a secret via basic
    const e = await tok({ grant_type: 'authorization_code', code: 'x', redirect_uri: w.pub.redirect_uris[0]!, code_verifier: 'a'.repeat(43) }, { authorization: basic(w.pub.client_id, 'whatever') });
    expect(e.json['error']).toBe('invalid_client');
    expect(e.status).toBe(401);
    // basic + post both present
    const f = await tok({ grant_type: 'client_credentials', client_id: w.cc.client_id, client_secret: w.cc.client_secret }, { authorization: basic(w.cc.client_id, w.cc.client_secret) });
    // RFC 6749 §2.3: one method per request. invalid_request (400), or invalid_client (401 with a Basic challenge,
    // since the client tried HTTP authentication, RFC 6749 §5.2); never tokens.
    expect([{ status: 400, error: 'invalid_request' }, { status: 401, error: 'invalid_client' }], f.text).toContainEqual({ status: f.status, error: f.json['error'] });
    if (f.status === 401) expect(f.headers.get('www-authenticate') ?? '').toMatch(/^Basic/i);
  });

  it('wrong secret with HTTP Basic → 401 + WWW-Authenticate Basic; unknown client → invalid_client', async () => {
    const r = await tok({ grant_type: 'client_credentials' }, { authorization: basic(w.cc.client_id, 'wrong') });
    expect(r.status).toBe(401);
    expect(r.json['error']).toBe('invalid_client');
    expect(r.headers.get('www-authenticate') ?? '').toMatch(/^Basic/i);
    const u = await tok({ grant_type: 'client_credentials' }, { authorization: basic(`nobody-${rnd()}`, 'x') });
    expect(u.status).toBe(401);
    expect(u.headers.get('www-authenticate') ?? '').toMatch(/^Basic/i);
    const p = await tok({ grant_type: 'client_credentials', client_id: w.post.client_id, client_secret: 'wrong' });
    expect([400, 401]).toContain(p.status);
    expect(p.json['error']).toBe('invalid_client');
  });

  it('grants a client is not registered for → unauthorized_client', async () => {
    const r = await tok({ grant_type: 'client_credentials' }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(r.status).toBe(400);
    expect(r.json['error']).toBe('unauthorized_client');
    const u = await tok({ grant_type: 'password', username: 'a', password: 'b' }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(u.json['error']).toBe('unsupported_grant_type');
  });

  it('introspection: active token fields; other client token inactive; revocation', async () => {
    const t = await ccBasic();
    const at = t.json['access_token'] as string;
    const ccAuth = { authorization: basic(w.cc.client_id, w.cc.client_secret) };
    const i = await post(s.ep('introspection_endpoint'), { token: at }, ccAuth);
    expect(i.status).toBe(200);
    expect(i.headers.get('content-type')).toMatch(/application\/json/);
    expect(i.json['active']).toBe(true);
    expect(i.json['client_id']).toBe(w.cc.client_id);
    expect(i.json['scope']).toBe(w.apiScope);
    expect(typeof i.json['exp']).toBe('number');
    // another confidential client asks about it
    const other = await post(s.ep('introspection_endpoint'), { token: at }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect(other.status).toBe(200);
    expect(other.json).toEqual({ active: false });
    // post client auth for introspection
    const viaPost = await post(s.ep('introspection_endpoint'), { token: at, client_id: w.post.client_id, client_secret: w.post.client_secret });
    expect(viaPost.json).toEqual({ active: false });
    // private_key_jwt for introspection
    const jt = await tok({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await assertion() });
    const ji = await post(s.ep('introspection_endpoint'), { token: jt.json['access_token'] as string, client_assertion_type: JWT_BEARER, client_assertion: await assertion() });
    expect(ji.json['active']).toBe(true);
    // garbage token
    expect((await post(s.ep('introspection_endpoint'), { token: 'garbage' }, ccAuth)).json).toEqual({ active: false });
    // no auth
    const noAuth = await post(s.ep('introspection_endpoint'), { token: at });
    expect([400, 401]).toContain(noAuth.status);
    expect(noAuth.json['error']).toBe('invalid_client');
    const badAuth = await post(s.ep('introspection_endpoint'), { token: at }, { authorization: basic(w.cc.client_id, 'bad') });
    expect(badAuth.status).toBe(401);
    expect(badAuth.headers.get('www-authenticate') ?? '').toMatch(/^Basic/i);
    // revocation by another client: no effect
    const rv0 = await post(s.ep('revocation_endpoint'), { token: at }, { authorization: basic(w.web.client_id, w.web.client_secret) });
    expect([200, 400]).toContain(rv0.status);
    expect((await post(s.ep('introspection_endpoint'), { token: at }, ccAuth)).json['active']).toBe(true);
    // revocation by owner
    const rv = await post(s.ep('revocation_endpoint'), { token: at, token_type_hint: 'access_token' }, ccAuth);
    expect(rv.status).toBe(200);
    expect((await post(s.ep('introspection_endpoint'), { token: at }, ccAuth)).json).toEqual({ active: false });
    // unknown token revocation → 200
    expect((await post(s.ep('revocation_endpoint'), { token: 'nonexistent' }, ccAuth)).status).toBe(200);
    const rvBad = await post(s.ep('revocation_endpoint'), { token: at }, { authorization: basic(w.cc.client_id, 'bad') });
    expect(rvBad.status).toBe(401);
    expect(rvBad.json['error']).toBe('invalid_client');
    expect(rvBad.headers.get('www-authenticate') ?? '').toMatch(/^Basic/i);
  });

  it('userinfo rejects client_credentials / revoked / missing tokens with 401 + WWW-Authenticate Bearer', async () => {
    const noTok = await fetch(s.ep('userinfo_endpoint'));
    expect(noTok.status).toBe(401);
    expect(noTok.headers.get('www-authenticate') ?? '').toMatch(/^Bearer/i);
    const bad = await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate') ?? '').toMatch(/invalid_token/);
  });
});
