import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBrowser, formsOf, type Browser } from '../e2e/browser.js';
import { freePort, startServer, type Running } from '../e2e/harness.js';

/**
 * Admin console sessions live in the store: a restart on the same DATA_DIR keeps the operator signed in, and the
 * console's cookie is never an end user's session (nor the other way round).
 */
describe('admin console sessions in the store', () => {
  const adminToken = randomBytes(32).toString('base64url');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-console-'));
  const seed = { clients: [], users: [] };
  let server: Running | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  const signIn = async (b: Browser, issuer: string) => {
    const login = await b.get(`${issuer}/admin/console/login`);
    const form = formsOf(login).find((f) => f.inputs.some((i) => i.name === 'password'));
    expect(form, login.body.slice(0, 300)).toBeDefined();
    return b.submit(form!, { username: '', password: adminToken });
  };

  it('survives a restart; signing out ends it; the cookie does not sign anyone in at /authorize', async () => {
    const port = await freePort();
    server = await startServer(seed, { ADMIN_TOKEN: adminToken, DATA_DIR: dataDir }, '', port);
    const b = createBrowser([new URL(server.issuer).origin]);
    const clients = await signIn(b, server.issuer);
    expect(clients.status, clients.body.slice(0, 300)).toBe(200);
    expect(new URL(clients.url).pathname).toBe('/admin/console/clients');
    const cookie = b.cookies().find((c) => c.name === 'grantor_admin');
    expect(cookie).toBeDefined();

    // The console's cookie value presented as an end user's session cookie signs no one in.
    const asUser = await fetch(`${server.issuer}/account`, { headers: { cookie: `grantor_session=${cookie!.value}` } });
    expect(await asUser.text()).toMatch(/name="password"/);

    await server.stop();
    server = await startServer(seed, { ADMIN_TOKEN: adminToken, DATA_DIR: dataDir }, '', port);
    const again = await b.get(`${server.issuer}/admin/console/clients`);
    expect(again.status).toBe(200);
    expect(new URL(again.url).pathname).toBe('/admin/console/clients');

    const logout = formsOf(again).find((f) => new URL(f.action).pathname === '/admin/console/logout');
    expect(logout).toBeDefined();
    await b.submit(logout!);
    // The old cookie value no longer opens the console, even presented again by hand.
    const replay = await fetch(`${server.issuer}/admin/console/clients`, { headers: { cookie: `grantor_admin=${cookie!.value}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toContain('/admin/console/login');
  }, 120_000);
});
