import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createBrowser, formsOf, type Browser, type Page } from './browser.js';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { authorize, discover } from './flows.js';
import { startServer, type Running } from './harness.js';

/**
 * The account page (`/account`) end to end: sign-in, the apps a person allowed with a revoke button (consent and that
 * client's tokens gone), sessions with sign-out of one and of all, password change, email change through the outbox.
 */
describe('account page (end to end)', () => {
  let server: Running;
  let f: SeedFixture;
  const outbox = mkdtempSync(path.join(tmpdir(), 'grantor-outbox-'));
  beforeAll(async () => {
    f = await makeSeed();
    server = await startServer(f.seed, { MAIL_OUTBOX: outbox });
  });
  afterAll(async () => server?.stop('SIGTERM'));

  const account = () => `${server.issuer}/account`;
  const browser = () => createBrowser([new URL(server.issuer).origin]);
  const formWith = (page: Page, pred: (action: string) => boolean) => {
    const form = formsOf(page).find((x) => pred(new URL(x.action).pathname));
    expect(form, `form expected on ${page.url}: ${page.body.slice(0, 300)}`).toBeDefined();
    return form!;
  };
  const signInAt = async (b: Browser, password = f.user.password): Promise<Page> => {
    const page = await b.get(account());
    return b.submit(formWith(page, (a) => a === '/account/login'), { username: f.user.username, password });
  };
  const request = async () => {
    const web = await discover(server.issuer, f.web.id, client.ClientSecretBasic(f.web.secret));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(web, { redirect_uri: f.web.redirectUri, scope: 'openid profile api:read', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    return { web, url, verifier, state };
  };

  it('asks a signed-out visitor to sign in, then shows the profile under a strict CSP; wrong passwords are refused', async () => {
    const b = browser();
    const first = await b.get(account());
    expect(first.status).toBe(200);
    expect(first.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(formsOf(first).some((x) => x.inputs.some((i) => i.name === 'password'))).toBe(true);
    const wrong = await signInAt(b, 'not the password');
    expect(wrong.status).toBe(401);
    const page = await signInAt(b);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Your account');
    expect(page.body).toContain(f.user.username);
    expect(page.body).toContain('Alice Example');
    expect(page.body).toContain('confirmed');
  });

  it('lists an app the person allowed with its scopes; revoke forgets the consent and revokes that client’s tokens', async () => {
    const r = await request();
    const { callback, browser: b } = await authorize(server.issuer, r.url, f.user);
    const tokens = await client.authorizationCodeGrant(r.web, callback, { pkceCodeVerifier: r.verifier, expectedState: r.state });
    expect(await client.tokenIntrospection(r.web, tokens.access_token)).toMatchObject({ active: true });
    const page = await b.get(account());
    expect(page.body).toContain('Web &lt;RP&gt; &amp; Co');
    expect(page.body).toContain('<code>api:read</code>');
    const revoke = formWith(page, (a) => a === '/account/revoke');
    expect(revoke.fields['client_id']).toBe(f.web.id);
    const after = await b.submit(revoke);
    expect(after.body).toContain('Access revoked');
    expect(after.body).not.toContain('Web &lt;RP&gt; &amp; Co');
    expect(await client.tokenIntrospection(r.web, tokens.access_token)).toMatchObject({ active: false });
    await expect(client.refreshTokenGrant(r.web, tokens.refresh_token ?? 'none')).rejects.toThrow();
    // The consent is forgotten: the next request asks again.
    const again = await b.get((await request()).url.toString());
    expect(formsOf(again).some((x) => x.buttons.some((y) => y.name === 'decision'))).toBe(true);
  });

  it('a revoke form without the CSRF token is refused and changes nothing', async () => {
    const b = browser();
    const page = await signInAt(b);
    const form = formWith(page, (a) => a === '/account/sessions/end-all');
    const refused = await b.submit(form, { csrf: 'forged' });
    expect(refused.status).toBe(403);
    expect((await b.get(account())).body).toContain('Where you are signed in');
  });

  it('lists the sessions; one is signed out from another; sign out everywhere ends them all', async () => {
    const [a, b, c] = [browser(), browser(), browser()];
    const pageA = await signInAt(a);
    await signInAt(b);
    await signInAt(c);
    const listed = await a.get(account());
    const ends = formsOf(listed).filter((x) => new URL(x.action).pathname === '/account/sessions/end');
    expect(ends.length).toBeGreaterThanOrEqual(2);
    expect(pageA.body).toContain('this browser');
    // Sign out c's session from a (the form names it by the SHA-256 of c's cookie, never the cookie).
    const cCookie = c.cookies().find((x) => x.name === 'grantor_session')?.value ?? '';
    const handle = createHash('sha256').update(cCookie).digest('base64url');
    expect(listed.body).not.toContain(cCookie);
    const endC = ends.find((x) => x.fields['session'] === handle);
    expect(endC).toBeDefined();
    await a.submit(endC!);
    const cNow = await c.get(account());
    expect(formsOf(cNow).some((x) => new URL(x.action).pathname === '/account/login')).toBe(true);
    expect((await b.get(account())).body).toContain('Where you are signed in');
    const everywhere = await a.submit(formWith(await a.get(account()), (x) => x === '/account/sessions/end-all'));
    expect(formsOf(everywhere).some((x) => new URL(x.action).pathname === '/account/login')).toBe(true);
    for (const x of [a, b]) expect(formsOf(await x.get(account())).some((y) => new URL(y.action).pathname === '/account/login')).toBe(true);
  });

  it('changes the password only with the current one; the old one stops working, other sessions are signed out', async () => {
    const [a, other] = [browser(), browser()];
    const page = await signInAt(a);
    await signInAt(other);
    const form = formWith(page, (x) => x === '/account/password');
    const refused = await a.submit(form, { current_password: 'wrong', new_password: 'a brand new passphrase' });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('current password is not right');
    const changed = await a.submit(form, { current_password: f.user.password, new_password: 'a brand new passphrase' });
    expect(changed.body).toContain('Your password is changed');
    expect(formsOf(await other.get(account())).some((x) => new URL(x.action).pathname === '/account/login')).toBe(true);
    expect((await signInAt(browser())).status).toBe(401);
    expect((await signInAt(browser(), 'a brand new passphrase')).body).toContain('Your account');
    f = { ...f, user: { ...f.user, password: 'a brand new passphrase' } };
  });

  it('changes the email address through a link mailed to the new address (single use)', async () => {
    const b = browser();
    const page = await signInAt(b);
    const form = formWith(page, (x) => x === '/account/email');
    const sent = await b.submit(form, { email: 'Alice.New@Example.test', current_password: f.user.password });
    expect(sent.body).toContain('We sent a confirmation link');
    const mail = readdirSync(outbox).map((n) => readFileSync(path.join(outbox, n), 'utf8')).find((m) => /^To: Alice\.New@Example\.test/im.test(m));
    expect(mail).toBeDefined();
    const link = /(http:\/\/\S+\/account\/confirm-email\?token=\S+)/.exec(mail ?? '')?.[1];
    expect(link).toBeDefined();
    expect((await b.get(link!)).body).toContain('Email address changed');
    expect((await b.get(link!)).status).toBe(400);
    const now = await b.get(account());
    expect(now.body).toContain('alice.new@example.test');
  });
});
