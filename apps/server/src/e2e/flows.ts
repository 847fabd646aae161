import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { expect } from 'vitest';
import { createBrowser, formsOf, type Browser, type Page } from './browser.js';
import type { SeedFixture } from './fixtures.js';

/** openid-client configuration for a seeded client, discovered over plain HTTP on loopback. */
export const discover = (issuer: string, clientId: string, auth: client.ClientAuth, metadata: Partial<client.ClientMetadata> = {}) =>
  client.discovery(new URL(issuer), clientId, metadata, auth, { execute: [client.allowInsecureRequests] });

/** oauth4webapi's view of the server (RFC 8414 metadata checked against the issuer). */
export const asMetadata = async (issuer: string): Promise<oauth.AuthorizationServer> =>
  oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oidc', [oauth.allowInsecureRequests]: true }));

const findForm = (page: Page, field: string) => formsOf(page).find((f) => f.inputs.some((i) => i.name === field));

/** Signs in on the login page (asserting its shape). */
export const signIn = async (b: Browser, page: Page, user: SeedFixture['user'], password = user.password): Promise<Page> => {
  const form = findForm(page, 'password');
  expect(form, `login form expected, got ${page.status}: ${page.body.slice(0, 400)}`).toBeDefined();
  expect(form!.method).toBe('post');
  expect(form!.inputs).toEqual(expect.arrayContaining([{ name: 'username', type: 'text' }, { name: 'password', type: 'password' }]));
  return b.submit(form!, { username: user.username, password });
};

/** Presses approve or deny on the consent page (asserting both buttons are there). */
export const decide = async (b: Browser, page: Page, decision: 'approve' | 'deny'): Promise<Page> => {
  const form = formsOf(page).find((f) => f.buttons.some((x) => x.name === 'decision'));
  expect(form, `consent form expected, got ${page.status}: ${page.body.slice(0, 400)}`).toBeDefined();
  expect(form!.buttons).toEqual(expect.arrayContaining([{ name: 'decision', value: 'approve' }, { name: 'decision', value: 'deny' }]));
  return b.submit(form!, {}, { name: 'decision', value: decision });
};

/** The redirect to the client (302/303 with `Location` outside the server). */
export const callbackOf = (page: Page): URL => {
  expect([302, 303], `redirect to the client expected, got ${page.status}: ${page.body.slice(0, 400)}`).toContain(page.status);
  return new URL(page.headers.get('location')!);
};

/** Runs the browser part of an authorization request: login (unless signed in), consent, back to the client. */
export const authorize = async (
  issuer: string,
  url: URL,
  user: SeedFixture['user'],
  options: { readonly browser?: Browser; readonly decision?: 'approve' | 'deny' } = {},
): Promise<{ readonly callback: URL; readonly browser: Browser }> => {
  const b = options.browser ?? createBrowser([new URL(issuer).origin]);
  let page = await b.get(url.toString());
  if (formsOf(page).some((f) => f.inputs.some((i) => i.name === 'password'))) page = await signIn(b, page, user);
  if (formsOf(page).some((f) => f.buttons.some((x) => x.name === 'decision'))) page = await decide(b, page, options.decision ?? 'approve');
  return { callback: callbackOf(page), browser: b };
};

/** A form POST with exactly the given body and headers (for malformed-request cases). */
export const post = async (url: string, body: string | URLSearchParams, headers: Readonly<Record<string, string>> = {}): Promise<{ status: number; headers: Headers; json: Record<string, unknown> | undefined; text: string }> => {
  const res = await fetch(url, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
};

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
