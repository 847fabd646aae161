/**
 * The people-facing pages of the reference server in a real browser (Debian's chromium driven by playwright-core), at a
 * phone's 390 px, with the keyboard where a person would type: sign-up from the login page, the verification mail
 * from the outbox, sign-in, consent, the playground the demo flow ends on, the account page, password recovery and
 * the device page. Each page must fit the width (no sideways scrolling), keep a 16 px base font (phones do not zoom),
 * label every field, and carry the strict CSP. Screenshots go to `apps/server/test-artifacts/` (not committed); with
 * `UPDATE_SCREENSHOTS=1` they are also written to `apps/server/docs/screenshots/`, which the server README shows.
 * Skipped, saying so, when /usr/bin/chromium is absent.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type Running } from '../e2e/harness.js';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`pages browser test skipped: ${chromiumPath} is not installed (apt-get install -y chromium)`);

const artifacts = path.resolve(import.meta.dirname, '../../test-artifacts');
const docs = path.resolve(import.meta.dirname, '../../docs/screenshots');
const phone = { width: 390, height: 844 };

describe.skipIf(!hasChromium)('people pages in a browser (390 px)', () => {
  let server: Running;
  let browser: Browser;
  const outbox = mkdtempSync(path.join(tmpdir(), 'grantor-outbox-'));
  const email = `kim-${randomBytes(4).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;

  const shot = async (page: Page, name: string) => {
    const file = path.join(artifacts, `pages-${name}-390.png`);
    await page.screenshot({ path: file, fullPage: true });
    if (process.env['UPDATE_SCREENSHOTS'] === '1') {
      mkdirSync(docs, { recursive: true });
      copyFileSync(file, path.join(docs, `${name}.png`));
    }
  };

  /** What every page must be at 390 px: no sideways scrolling, a 16 px base font, a label for every visible field. */
  const checkPage = async (page: Page) => {
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'), page.url()).toBe(true);
    expect(await page.evaluate<string>('getComputedStyle(document.body).fontSize')).toBe('16px');
    const unlabelled = await page.evaluate<number>(
      `[...document.querySelectorAll('input:not([type=hidden]),select,textarea')].filter((e) => !(e.labels && e.labels.length > 0) && !e.getAttribute('aria-label')).length`,
    );
    expect(unlabelled, `fields without a label on ${page.url()}`).toBe(0);
  };

  /** The link in the newest message of the outbox (quoted-printable soft breaks undone). */
  const mailLink = (pathPart: string): string => {
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
    const text = files.map((f) => readFileSync(path.join(outbox, f), 'utf8')).join('\n').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const links = [...text.matchAll(/https?:\/\/[^\s"<>]+/g)].map((m) => m[0]).filter((l) => l.includes(pathPart));
    expect(links.length, text.slice(0, 800)).toBeGreaterThan(0);
    return links[links.length - 1]!;
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await startServer(undefined, { SIGNUP: 'open', MAIL_OUTBOX: outbox, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'grantor-pages-')) });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sign-up, verification, sign-in, consent, the playground and the account page', async () => {
    const context = await browser.newContext({ viewport: phone });
    const page = await context.newPage();
    const first = await page.goto(`${server.issuer}/demo`);
    expect(first?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await checkPage(page);
    await shot(page, 'login');

    await page.getByRole('link', { name: 'Create account' }).click();
    await checkPage(page);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel(/^Name/).fill('Kim Example');
    await page.getByLabel('Password').fill(password);
    await shot(page, 'signup');
    await page.getByLabel('Password').press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toMatch(/mail|verify|check/i);
    await checkPage(page);
    await shot(page, 'signup-check-mail');

    await page.goto(mailLink('/verify'));
    await checkPage(page);
    await shot(page, 'email-verified');
    // Back to the sign-in the playground started.
    await page.goto(`${server.issuer}/demo`);
    if ((await page.getByLabel('Username').count()) > 0) {
      await page.getByLabel('Username').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByLabel('Password').press('Enter');
    }
    await expect.poll(() => page.getByRole('button', { name: 'Approve' }).count()).toBe(1);
    await checkPage(page);
    await shot(page, 'consent');
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('what the client got');
    expect(await page.content()).toContain(email);
    await checkPage(page);
    await shot(page, 'playground');

    await page.goto(`${server.issuer}/account`);
    expect(await page.content()).toContain('Kim Example');
    await checkPage(page);
    await shot(page, 'account');
    await context.close();
  }, 90_000);

  it('password recovery: the same answer for any address, the link sets a new password once', async () => {
    const context = await browser.newContext({ viewport: phone });
    const page = await context.newPage();
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: /forgot/i }).click();
    await checkPage(page);
    await shot(page, 'recovery');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Email address').press('Enter');
    await expect.poll(() => page.locator('main').textContent()).toMatch(/if|sent|mail/i);
    const sentText = await page.locator('main').textContent();
    const link = mailLink('/reset');
    await page.goto(link);
    await checkPage(page);
    await shot(page, 'reset-password');
    await page.getByLabel('New password').fill(`${password}-new`);
    await page.getByLabel('New password').press('Enter');
    await expect.poll(() => page.locator('main').textContent()).toMatch(/password/i);
    // An unknown address reads the same.
    await page.goto(`${server.issuer}/demo`);
    await page.getByRole('link', { name: /forgot/i }).click();
    await page.getByLabel('Email address').fill(`nobody-${randomBytes(4).toString('hex')}@example.test`);
    await page.getByLabel('Email address').press('Enter');
    await expect.poll(() => page.locator('main').textContent()).toBe(sentText);
    await context.close();
  }, 90_000);

  it('the device page: enter the code, sign in, approve', async () => {
    const res = await fetch(`${server.issuer}/device_authorization`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'demo-device', scope: 'openid profile' }).toString(),
    });
    const d = (await res.json()) as { user_code: string; verification_uri: string };
    expect(res.status).toBe(200);
    const context = await browser.newContext({ viewport: phone });
    const page = await context.newPage();
    await page.goto(d.verification_uri);
    await checkPage(page);
    await page.getByLabel('Code').fill(d.user_code);
    await shot(page, 'device');
    await page.getByLabel('Code').press('Enter');
    await page.getByLabel('Username').fill(email);
    await page.getByLabel('Password').fill(`${password}-new`);
    await page.getByLabel('Password').press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'Approve' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('main').textContent()).toMatch(/done|approved|return|device/i);
    await checkPage(page);
    await shot(page, 'device-done');
    await context.close();
  }, 90_000);
});
