/**
 * The consent page through HTTP against the running reference server (acceptance style, no JavaScript): it names the
 * client and where the answer goes, describes each scope from the scope registry (seed `scopes`, changed at runtime
 * through the admin API), lets the person untick optional scopes, and the token carries only what stayed ticked; the
 * remembered consent is what was granted, so a scope left out is asked again next time.
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, formsOf, type Browser, type Form, type Page } from './browser.js';
import { makeSeed, type SeedFixture } from './fixtures.js';
import { callbackOf, discover, signIn } from './flows.js';
import { startServer, type Running } from './harness.js';

const adminToken = randomBytes(32).toString('base64url');

describe('consent page: scopes from the registry, optional ones deselectable', () => {
  let server: Running;
  let f: SeedFixture;
  let web: client.Configuration;
  beforeAll(async () => {
    f = await makeSeed();
    const scopes = [
      { name: 'profile', description: 'Your name and picture', optional: true },
      { name: 'email', description: 'Your email address, to write to you', optional: true },
      { name: 'api:read', description: 'Read your documents', optional: false },
    ];
    server = await startServer({ ...f.seed, scopes }, { ADMIN_TOKEN: adminToken });
    web = await discover(server.issuer, f.web.id, client.ClientSecretBasic(f.web.secret));
  });
  afterAll(async () => server?.stop());

  const start = async (b: Browser, scope: string, extra: Readonly<Record<string, string>> = {}) => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(web, { redirect_uri: f.web.redirectUri, scope, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...extra });
    return { page: await b.get(url.toString()), verifier, state };
  };
  const consentForm = (page: Page): Form => {
    const form = formsOf(page).find((x) => x.buttons.some((b) => b.name === 'decision'));
    expect(form, `consent page expected, got ${page.status}: ${page.body.slice(0, 300)}`).toBeDefined();
    return form!;
  };
  /** The form as a browser sends it with the boxes of `untick` cleared. */
  const untick = (page: Page, form: Form, scopes: readonly string[]): Form => {
    const fields = { ...form.fields };
    for (const scope of scopes) {
      const m = new RegExp(`<input type="checkbox" id="([^"]+)"[^>]*><label for="\\1"><code>${scope.replace(':', '\\:')}</code>`).exec(page.body);
      expect(m, `a checkbox for ${scope}`).not.toBeNull();
      delete fields[m![1]!];
    }
    return { ...form, fields };
  };
  const grantedScope = async (callback: URL, verifier: string, state: string) =>
    (await client.authorizationCodeGrant(web, callback, { pkceCodeVerifier: verifier, expectedState: state })).scope;

  it('names the client and its redirect host, describes each scope, and grants only what stays ticked', async () => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const first = await start(b, 'openid profile email api:read');
    const page = await signIn(b, first.page, f.user);
    const form = consentForm(page);
    expect(page.body).toContain('Web &lt;RP&gt; &amp; Co');
    expect(page.body).toContain(f.web.id);
    expect(page.body).toContain('sent to <strong>rp.example.test</strong>');
    expect(page.body).toContain('Your name and picture');
    expect(page.body).toContain('Read your documents');
    expect(page.body).not.toContain('<script');
    // Optional scopes are labelled checkboxes; openid and api:read (required) have none.
    const boxes = form.inputs.filter((i) => i.type === 'checkbox');
    expect(boxes).toHaveLength(2);
    for (const box of boxes) expect(page.body).toMatch(new RegExp(`<label for="${box.name}">`));
    expect(page.body).toMatch(/<code>openid<\/code>[^<]*<span class="muted">\(required\)/);
    const back = callbackOf(await b.submit(untick(page, form, ['email']), {}, { name: 'decision', value: 'approve' }));
    expect(await grantedScope(back, first.verifier, first.state)).toBe('openid profile api:read');

    // The remembered consent holds what was granted: email is asked again, the rest stays ticked by default.
    const second = await start(b, 'openid profile email api:read');
    const again = consentForm(second.page);
    expect(second.page.body).toContain('Your email address, to write to you');
    const all = callbackOf(await b.submit(again, {}, { name: 'decision', value: 'approve' }));
    expect(await grantedScope(all, second.verifier, second.state)).toBe('openid profile email api:read');

    // Everything granted now: no consent page.
    const third = await start(b, 'openid profile email');
    expect(await grantedScope(callbackOf(third.page), third.verifier, third.state)).toBe('openid profile email');
  });

  it("the page follows the registry at runtime, and a forged form cannot add or drop a required scope", async () => {
    const changed = await fetch(`${server.issuer}/admin/scopes/api%3Aread`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'Read and list your documents', optional: true }),
    });
    expect(changed.status).toBe(200);
    const b = createBrowser([new URL(server.issuer).origin]);
    // prompt=consent: the page even though everything asked for was granted before (OIDC Core §3.1.2.1).
    const first = await start(b, 'openid api:read', { prompt: 'consent' });
    const page = await signIn(b, first.page, f.user);
    expect(page.body).toContain('Read and list your documents');
    const form = untick(page, consentForm(page), ['api:read']);
    // Extra fields (another index, a scope name) change nothing.
    const back = callbackOf(await b.submit(form, { grant_7: 'on', scope: 'openid api:read api:write' }, { name: 'decision', value: 'approve' }));
    expect(await grantedScope(back, first.verifier, first.state)).toBe('openid');
  });
});
