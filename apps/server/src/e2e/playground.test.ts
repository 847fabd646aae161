import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser, formsOf, type Page } from './browser.js';
import { decide, signIn } from './flows.js';
import { startServer, type Running } from './harness.js';

/**
 * The playground of a first start (demo data, no SEED): the start log prints an authorization URL that is ready to
 * open, and the demo sign-in ends on `/demo/callback`, which shows the tokens the demo client got and what they hold —
 * not a 404.
 */
describe('playground (demo data)', () => {
  let server: Running;
  let user: { username: string; password: string };
  beforeAll(async () => {
    // Its own DATA_DIR: demo data, consents and sessions of other runs (the default ./data) must not leak in.
    server = await startServer(undefined, { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-playground-')) });
    const password = /username=demo password=(\S+)/.exec(server.output())?.[1];
    expect(password, server.output()).toBeDefined();
    user = { username: 'demo', password: password! };
  });
  afterAll(async () => server?.stop('SIGTERM'));

  const signInAndApprove = async (startUrl: string): Promise<Page> => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const login = await b.get(startUrl);
    const next = await signIn(b, login, user as never);
    // Consent is remembered after the first approval: later flows come straight back.
    return formsOf(next).some((f) => f.buttons.some((x) => x.name === 'decision')) ? decide(b, next, 'approve') : next;
  };

  it('a denied sign-in shows the error instead of a token', async () => {
    const b = createBrowser([new URL(server.issuer).origin]);
    const consent = await signIn(b, await b.get(`${server.issuer}/demo`), user as never);
    const page = await decide(b, consent, 'deny');
    expect(page.status).toBe(400);
    expect(page.body).toContain('access_denied');
  });

  it('the start log prints an authorization URL that ends on a page showing the tokens', async () => {
    const url = /try it: open (\S+)/.exec(server.output())?.[1];
    expect(url, server.output()).toBeDefined();
    const authorize = new URL(url!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${server.issuer}/authorize`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    const page = await signInAndApprove(url!);
    expect(page.url.startsWith(`${server.issuer}/demo/callback?`)).toBe(true);
    expect(page.status, page.body.slice(0, 600)).toBe(200);
    const sub = /sub=([0-9a-f]+)/.exec(server.output())?.[1];
    expect(page.body).toContain('Token response');
    expect(page.body).toContain(`&quot;sub&quot;: &quot;${sub}&quot;`); // the ID token's and userinfo's subject
    expect(page.body).toContain('&quot;email&quot;: &quot;demo@example.test&quot;');
    expect(page.body).toContain('&quot;active&quot;: true'); // introspection of the access token
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('/demo starts a new flow of its own (state bound to the browser by a cookie)', async () => {
    const page = await signInAndApprove(`${server.issuer}/demo`);
    expect(page.status, page.body.slice(0, 600)).toBe(200);
    expect(page.body).toContain('&quot;token_type&quot;: &quot;Bearer&quot;');
  });

  it('a callback the playground did not start is refused and redeems nothing', async () => {
    const res = await fetch(`${server.issuer}/demo/callback?code=abc&state=forged`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Unknown sign-in');
  });

});

describe('playground with a seed file', () => {
  it('is not there: /demo is the core 404 and no URL is printed', async () => {
    const server = await startServer({ clients: [], users: [] });
    try {
      expect(server.output()).not.toContain('try it: open');
      expect((await fetch(`${server.issuer}/demo`)).status).toBe(404);
    } finally {
      await server.stop('SIGTERM');
    }
  });
});
