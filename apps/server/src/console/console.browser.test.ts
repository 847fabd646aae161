/**
 * The admin console in a real browser (Debian's chromium driven by playwright-core) against the running reference
 * server: sign-in with the bootstrap token and as an admin account (keyboard only), every section's main action and
 * its effect at the protocol endpoints (scopes and resources too: discovery, resource tokens), CSRF refusals, and the 390 px layout (no sideways scrolling). Screenshots go
 * to `apps/server/test-artifacts/` (not committed; with UPDATE_SCREENSHOTS=1 also to `docs/screenshots/`). Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../e2e/harness.js';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`console browser test skipped: ${chromiumPath} is not installed (apt-get install -y chromium)`);

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts');
const docs = path.resolve(import.meta.dirname, '../../docs/screenshots');
/** The screenshots the server README shows. */
const documented = ['console-clients-desktop', 'console-tokens-desktop', 'console-users-390', 'console-scopes-390', 'console-resources-desktop'];
const adminToken = randomBytes(32).toString('base64url');
const svc = { id: 'svc-seeded', secret: randomBytes(24).toString('base64url') };
const seed = {
  clients: [{ client_id: svc.id, client_secret: svc.secret, grant_types: ['client_credentials'], response_types: [], scope: 'api:read', token_endpoint_auth_method: 'client_secret_basic' }],
  users: [],
};

const basic = (id: string, s: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(s)}`).toString('base64')}`;

describe.skipIf(!hasChromium)('admin console in a browser', () => {
  let server: Running;
  let browser: Browser;

  const tokenStatus = async (id: string, secret: string): Promise<number> =>
    (
      await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=api%3Aread',
      })
    ).status;

  /** With UPDATE_SCREENSHOTS=1 a copy goes to docs/screenshots/, which the server README shows. */
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
    if (process.env['UPDATE_SCREENSHOTS'] === '1' && documented.includes(name)) {
      mkdirSync(docs, { recursive: true });
      copyFileSync(path.join(artifacts, `${name}.png`), path.join(docs, `${name}.png`));
    }
  };

  /** The page is no wider than its viewport (nothing scrolls sideways). */
  const fitsWidth = async (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startServer(seed, { ADMIN_TOKEN: adminToken });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('bootstrap token sign-in; clients: register (secret once), disable, enable, rotate, delete — each felt at /token', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.issuer}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/console/login');
    await shot(page, 'console-login-desktop');
    await page.getByLabel('Password').fill(adminToken);
    await page.getByLabel('Password').press('Enter');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/admin/console/clients');
    expect(await page.getByRole('cell', { name: svc.id, exact: true }).count()).toBe(1);

    await page.getByLabel('Name').fill('console-svc');
    await page.getByLabel('client_credentials').check();
    await page.getByLabel('Scope').fill('api:read');
    await page.getByRole('button', { name: 'Register client' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Client registered' }).count()).toBe(1);
    const secret = (await page.getByLabel('Client secret').textContent()) ?? '';
    const id = ((await page.locator('code').first().textContent()) ?? '').trim();
    await shot(page, 'console-client-created-desktop');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(await tokenStatus(id, secret)).toBe(200);

    await page.goto(`${server.issuer}/admin/console/clients?search=${encodeURIComponent(id)}`);
    await shot(page, 'console-clients-desktop');
    await page.getByRole('button', { name: `Disable ${id}` }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('disabled');
    expect(await tokenStatus(id, secret)).toBe(401);
    await page.goto(`${server.issuer}/admin/console/clients?search=${encodeURIComponent(id)}`);
    await page.getByRole('button', { name: `Enable ${id}` }).click();
    expect(await tokenStatus(id, secret)).toBe(200);

    await page.goto(`${server.issuer}/admin/console/clients?search=${encodeURIComponent(id)}`);
    await page.getByRole('button', { name: `Rotate the secret of ${id}` }).click();
    const rotated = (await page.getByLabel('Client secret').textContent()) ?? '';
    expect(rotated).not.toBe(secret);
    expect(await tokenStatus(id, secret)).toBe(401);
    expect(await tokenStatus(id, rotated)).toBe(200);

    await page.goto(`${server.issuer}/admin/console/clients?search=${encodeURIComponent(id)}`);
    await page.getByRole('button', { name: `Delete ${id}` }).click();
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('deleted');
    expect(await tokenStatus(id, rotated)).toBe(401);
    await context.close();
  }, 60_000);

  it('tokens: filters, 10/25/50/100 per page with a next page, revoke; keys: rotate; consents list', async () => {
    for (let i = 0; i < 12; i++) expect(await tokenStatus(svc.id, svc.secret)).toBe(200);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.issuer}/admin/console/login`);
    await page.getByLabel('Password').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${server.issuer}/admin/console/tokens`);
    await page.getByLabel('Client ID').fill(svc.id);
    await page.getByLabel('Status').selectOption('active');
    await page.getByLabel('Per page').selectOption('10');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Revoke access_token/ }).count()).toBe(10);
    await shot(page, 'console-tokens-desktop');
    await page.getByRole('link', { name: 'Next page' }).click();
    expect(await page.getByRole('button', { name: /^Revoke access_token/ }).count()).toBeGreaterThanOrEqual(2);
    expect(new URL(page.url()).searchParams.get('limit')).toBe('10');
    await page.getByRole('button', { name: /^Revoke access_token/ }).first().click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Revoked');
    await page.goto(`${server.issuer}/admin/console/tokens?client_id=${svc.id}&status=revoked`);
    expect(await page.getByRole('cell', { name: 'revoked' }).count()).toBe(1);
    await page.goto(`${server.issuer}/admin/console/tokens?client_id=${svc.id}`);
    await page.getByRole('button', { name: `Revoke every token of client ${svc.id}` }).click();
    await page.goto(`${server.issuer}/admin/console/tokens?client_id=${svc.id}&status=active`);
    expect(await page.getByText('No tokens match.').count()).toBe(1);

    await page.goto(`${server.issuer}/admin/console/keys`);
    const before = await page.locator('td[data-label="Status"]').allTextContents();
    await page.getByRole('button', { name: 'Rotate signing keys' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('rotated');
    expect((await page.locator('td[data-label="Status"]').allTextContents()).filter((s) => s === 'retired').length).toBeGreaterThan(before.filter((s) => s === 'retired').length);
    await shot(page, 'console-keys-desktop');
    await page.goto(`${server.issuer}/admin/console/consents`);
    expect(await page.getByRole('heading', { name: 'Consents' }).count()).toBe(1);
    await context.close();
  }, 60_000);

  it('scopes and resources: add, edit, refuse, remove — felt at discovery and /token; usable at 390 px', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.issuer}/admin/console/login`);
    await page.getByLabel('Password').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Scopes' }).click();
    expect(await page.getByRole('cell', { name: 'openid', exact: true }).count()).toBe(1);
    await page.getByLabel('Name (a scope token, e.g. api:read)').fill('reports');
    await page.getByLabel('Description (what the consent page tells a person)').fill('See your reports');
    await page.getByLabel('Optional: a person may deselect it (never for openid)').check();
    await page.getByRole('button', { name: 'Add scope' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Added');
    expect(await page.getByRole('cell', { name: 'See your reports' }).count()).toBe(1);
    const discovery = async () => ((await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] }).scopes_supported;
    expect(await discovery()).toContain('reports');
    await page.getByRole('link', { name: 'Edit reports' }).click();
    await page.getByLabel('Description (what the consent page tells a person)').fill('Read your reports');
    await page.getByRole('button', { name: 'Save scope' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved');
    expect(await page.getByRole('cell', { name: 'Read your reports' }).count()).toBe(1);
    await page.getByLabel('Name (a scope token, e.g. api:read)').fill('openid');
    await page.getByRole('button', { name: 'Add scope' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('already exists');
    await shot(page, 'console-scopes-desktop');

    const api = 'https://reports.example.test/';
    const tokenFor = async () => {
      const res = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic(svc.id, svc.secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api:read', resource: api }).toString(),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await tokenFor()).body['error']).toBe('invalid_target');
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByLabel('Identifier (absolute URI, no fragment)').fill(api);
    await page.getByLabel(/^Scopes it accepts/).fill('reports ghost');
    await page.getByLabel('Access-token format').selectOption('jwt');
    await page.getByLabel(/^Access-token lifetime/).fill('120');
    await page.getByRole('button', { name: 'Add resource' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('ghost');
    // The refused form keeps what was typed.
    expect(await page.getByLabel('Identifier (absolute URI, no fragment)').inputValue()).toBe(api);
    await page.getByLabel(/^Scopes it accepts/).fill('reports');
    await page.getByRole('button', { name: 'Add resource' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Added');
    expect((await tokenFor()).body['expires_in']).toBe(120);
    await page.getByRole('link', { name: `Edit ${api}` }).click();
    await page.getByLabel(/^Access-token lifetime/).fill('60');
    await page.getByRole('button', { name: 'Save resource' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved');
    expect((await tokenFor()).body['expires_in']).toBe(60);
    await shot(page, 'console-resources-desktop');
    await page.getByRole('link', { name: 'Scopes' }).click();
    await page.getByRole('button', { name: 'Remove reports' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('listed by resources');
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByRole('button', { name: `Remove ${api}` }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Removed');
    expect((await tokenFor()).body['error']).toBe('invalid_target');
    await page.getByRole('link', { name: 'Scopes' }).click();
    await page.getByRole('button', { name: 'Remove reports' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Removed');
    expect(await discovery()).not.toContain('reports');
    await context.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await small.goto(`${server.issuer}/admin/console/login`);
    await small.getByLabel('Password').fill(adminToken);
    await small.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(small.url()).pathname).toBe('/admin/console/clients');
    for (const section of ['scopes', 'resources']) {
      await small.goto(`${server.issuer}/admin/console/${section}`);
      expect(await fitsWidth(small), section).toBe(true);
      await shot(small, `console-${section}-390`);
    }
    await phone.close();
  }, 90_000);

  it('users: create an admin account; it signs in with the keyboard at 390 px; CSRF and foreign origins are refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.issuer}/admin/console/login`);
    await page.getByLabel('Password').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${server.issuer}/admin/console/users`);
    await page.getByLabel('Username').fill('operator');
    await page.getByLabel('Email (optional)').fill('operator@example.test');
    await page.getByLabel('Password (at least 8 characters)').fill('operator-password-1');
    await page.getByLabel('Admin (may use this console)').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('created');
    expect(await page.getByRole('cell', { name: 'operator', exact: true }).count()).toBe(1);
    await shot(page, 'console-users-desktop');

    // CSRF: a form post without the session's token, and one from another origin, change nothing.
    const noToken = await context.request.post(`${server.issuer}/admin/console/keys/rotate`, { form: { csrf: 'wrong' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    const csrf = await page.locator('input[name=csrf]').first().inputValue();
    const foreign = await context.request.post(`${server.issuer}/admin/console/keys/rotate`, { form: { csrf }, headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
    expect(foreign.status()).toBe(403);
    await context.close();

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const small = await phone.newPage();
    await small.goto(`${server.issuer}/admin/console/login`);
    await shot(small, 'console-login-390');
    // Keyboard only: focus starts in the username field (autofocus), Tab to the password, Enter submits.
    await small.keyboard.type('operator');
    await small.keyboard.press('Tab');
    await small.keyboard.type('operator-password-1');
    await small.keyboard.press('Enter');
    await expect.poll(() => new URL(small.url()).pathname).toBe('/admin/console/clients');
    expect(await small.getByText('Signed in as user operator.').count()).toBe(1);
    expect(await fitsWidth(small)).toBe(true);
    await shot(small, 'console-clients-390');
    for (const section of ['tokens', 'users', 'consents', 'keys']) {
      await small.goto(`${server.issuer}/admin/console/${section}`);
      expect(await fitsWidth(small), section).toBe(true);
      await shot(small, `console-${section}-390`);
    }
    await small.getByRole('button', { name: 'Sign out' }).click();
    await small.goto(`${server.issuer}/admin/console/clients`);
    expect(new URL(small.url()).pathname).toBe('/admin/console/login');
    await phone.close();

    // A non-admin account cannot sign in.
    const plain = await browser.newContext();
    const p = await plain.newPage();
    await fetch(`${server.issuer}/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'someone', password: 'someone-password-1' }),
    });
    await p.goto(`${server.issuer}/admin/console/login`);
    await p.getByLabel('Username').fill('someone');
    await p.getByLabel('Password').fill('someone-password-1');
    await p.getByRole('button', { name: 'Sign in' }).click();
    expect(await p.getByRole('alert').textContent()).toContain('not an admin');
    await plain.close();
  }, 90_000);
});
