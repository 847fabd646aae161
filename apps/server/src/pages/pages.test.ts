import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthorizationServer, type Client, type InteractionResult, type Logger } from '@grantor/core';
import { json, redirect, type InteractionRecord } from '@grantor/core/extend';
import { createBrowser, formsOf, type Page } from '../e2e/browser.js';
import { withPages } from '../http/host.js';
import { listen, type Listening } from '../http/listen.js';
import { createMemoryStore } from '@grantor/store-memory';
import { createUserDirectory, seedUsers } from '../people/directory.js';
import { createSessionStore } from '../session.js';
import { memoryBackend, serverThrottles } from '../throttle.js';
import { createPages } from './router.js';

const silent: Logger = { log: () => undefined };
const client: Client = {
  clientId: 'web', clientName: 'Web <App> & "Co"', secretHashes: [], redirectUris: ['https://rp.example/cb'], postLogoutRedirectUris: [],
  grantTypes: ['authorization_code'], responseTypes: ['code'], scope: ['openid', 'profile'], tokenEndpointAuthMethod: 'client_secret_basic',
};

/** Interactions and device codes kept in maps: enough of the core's contract to drive the pages. */
const fakeCore = () => {
  const interactions = new Map<string, InteractionRecord>();
  const finished: { id: string; result: InteractionResult }[] = [];
  const consents = new Set<string>();
  const device = new Map<string, 'pending' | 'approved' | 'denied'>([['BCDF-GHJK', 'pending']]);
  const add = (id: string, prompt: readonly string[] = []) =>
    interactions.set(id, { id, kind: 'authorization_code', clientId: 'web', redirectUri: 'https://rp.example/cb', scope: ['openid', 'profile'], state: 's<1>', prompt, responseMode: 'query', createdAt: 0, expiresAt: 2e9 });
  const discovery = { path: '/.well-known/openid-configuration', methods: ['GET'], handle: async () => json(200, { issuer: 'http://127.0.0.1' }) };
  const base: Pick<AuthorizationServer, 'config' | 'routes' | 'matches' | 'handle' | 'bearer'> = {
    config: { issuer: 'http://127.0.0.1', baseUrl: 'http://127.0.0.1' } as AuthorizationServer['config'],
    routes: [discovery],
    matches: (path) => path === discovery.path,
    handle: async (req) => (req.path === discovery.path ? discovery.handle() : json(404, { error: 'not_found' })),
    bearer: async () => ({ _tag: 'Rejected', response: json(401, { error: 'invalid_token' }) }),
  };
  const norm = (c: string) => c.toUpperCase().replace(/[^A-Z]/g, '');
  const find = (code: string) => [...device.keys()].find((k) => norm(k) === norm(code));
  const server: AuthorizationServer = {
    ...base,
    interactions: {
      details: async (id) => {
        const i = interactions.get(id);
        if (i === undefined || i.finishedAt !== undefined) return { _tag: 'Invalid', error: { _tag: 'OAuthError', code: 'invalid_request', description: 'x' } };
        return { _tag: 'Found', details: { interaction: i, client, scopesNeedingConsent: async (sub) => (consents.has(sub) ? [] : i.scope) } };
      },
      finish: async (id, result) => {
        const i = interactions.get(id);
        if (i === undefined) return redirect('https://rp.example/cb?error=invalid_request');
        interactions.set(id, { ...i, finishedAt: 1 });
        finished.push({ id, result });
        consents.add(result.subject);
        return redirect(`https://rp.example/cb?code=c-${id}&state=${encodeURIComponent(i.state ?? '')}`);
      },
      deny: async (id) => {
        interactions.delete(id);
        return redirect('https://rp.example/cb?error=access_denied');
      },
      fail: async (id, error) => {
        interactions.delete(id);
        return redirect(`https://rp.example/cb?error=${error}`);
      },
    },
    device: {
      lookup: async (code) => {
        const k = find(code);
        return k !== undefined && device.get(k) === 'pending'
          ? { _tag: 'Pending', client, scope: ['openid'] }
          : { _tag: 'Invalid', error: { _tag: 'OAuthError', code: 'invalid_grant', description: 'x' } };
      },
      approve: async (code) => {
        const k = find(code);
        if (k === undefined) return { _tag: 'Invalid', error: { _tag: 'OAuthError', code: 'invalid_grant', description: 'x' } };
        device.set(k, 'approved');
        return { _tag: 'Done' };
      },
      deny: async (code) => {
        const k = find(code);
        if (k === undefined) return { _tag: 'Invalid', error: { _tag: 'OAuthError', code: 'invalid_grant', description: 'x' } };
        device.set(k, 'denied');
        return { _tag: 'Done' };
      },
    },
  };
  return { server, add, finished, device };
};

const rpOrigin = 'https://rp.example';

for (const framework of ['fastify', 'express', 'koa'] as const) {
  describe(`pages over ${framework}`, () => {
    let listening: Listening;
    let origin: string;
    const core = fakeCore();
    /** Password checks made (argon2id): what a throttle must keep from growing with parallel guesses. */
    let checked = 0;
    let countingUsers: Parameters<typeof createPages>[0]['users'];
    beforeAll(async () => {
      const memory = createMemoryStore();
      const store = memory.users;
      await seedUsers(store, [{ username: 'alice', password: 'correct horse', claims: { sub: 'sub-alice' } }], Date.now() / 1000);
      const users = await createUserDirectory(store, () => Date.now() / 1000);
      countingUsers = { ...users, check: (u, p) => ((checked += 1), users.check(u, p)) };
      const pages = createPages({
        server: core.server, users: countingUsers, sessions: createSessionStore({ secure: false, store: memory.loginSessions }), throttles: serverThrottles(memoryBackend()),
        logger: silent, now: () => Date.now() / 1000, prefix: '',
      });
      listening = await listen(framework, withPages(core.server, pages), 0, silent);
      origin = `http://127.0.0.1:${listening.port}`;
    });
    afterAll(async () => listening.close());

    const loginForm = (p: Page) => {
      const form = formsOf(p)[0];
      expect(form?.method).toBe('post');
      expect(form?.inputs.map((i) => i.name)).toEqual(expect.arrayContaining(['username', 'password', 'csrf']));
      return form!;
    };

    it('signs in (wrong password first), asks consent, and finishes with a 303 to the client', async () => {
      core.add('i1');
      const b = createBrowser([origin]);
      const login = await b.get(`${origin}/interaction/i1`);
      expect(login.status).toBe(200);
      expect(login.headers.get('content-type')).toMatch(/text\/html/);
      expect(login.body).not.toContain('<script');
      expect(login.body).toContain('Web &lt;App&gt; &amp; &quot;Co&quot;');
      expect(b.cookies().map((c) => c.name)).toContain('grantor_session');
      const wrong = await b.submit(loginForm(login), { username: 'alice', password: 'nope' });
      expect(wrong.body).toContain('Wrong username or password');
      expect(core.finished).toHaveLength(0);
      const consent = await b.submit(loginForm(wrong), { username: 'alice', password: 'correct horse' });
      expect(consent.status).toBe(200);
      const form = formsOf(consent)[0]!;
      expect(form.buttons).toEqual(expect.arrayContaining([{ name: 'decision', value: 'approve' }, { name: 'decision', value: 'deny' }]));
      const done = await b.submit(form, {}, { name: 'decision', value: 'approve' });
      expect(done.status).toBe(303);
      expect(done.headers.get('location')).toBe('https://rp.example/cb?code=c-i1&state=s%3C1%3E');
      expect(core.finished.at(-1)).toMatchObject({ id: 'i1', result: { subject: 'sub-alice', scope: ['openid', 'profile'] } });
    });

    it('skips login and consent for a signed-in user who already consented, but prompt=login asks again', async () => {
      const b = createBrowser([origin]);
      core.add('i2');
      const login = await b.get(`${origin}/interaction/i2`);
      // alice consented in the previous test: no consent page this time.
      const back = await b.submit(loginForm(login), { username: 'alice', password: 'correct horse' });
      expect(back.status).toBe(302);
      expect(back.headers.get('location')).toBe('https://rp.example/cb?code=c-i2&state=s%3C1%3E');
      core.add('i3');
      const straight = await b.get(`${origin}/interaction/i3`);
      expect(straight.status).toBe(302);
      expect(new URL(straight.headers.get('location')!).origin).toBe(rpOrigin);
      core.add('i4', ['login']);
      const again = await b.get(`${origin}/interaction/i4`);
      expect(again.status).toBe(200);
      loginForm(again);
    });

    it('refuses a login POST without the CSRF token; prompt=consent asks again; deny ends with access_denied', async () => {
      core.add('i5', ['consent']);
      const b = createBrowser([origin]);
      const login = await b.get(`${origin}/interaction/i5`);
      const forged = await b.submit(loginForm(login), { username: 'alice', password: 'correct horse', csrf: 'forged' });
      expect(forged.status).toBe(403);
      const consent = await b.submit(loginForm(forged), { username: 'alice', password: 'correct horse' });
      const denied = await b.submit(formsOf(consent)[0]!, {}, { name: 'decision', value: 'deny' });
      expect(denied.status).toBe(303);
      expect(denied.headers.get('location')).toContain('error=access_denied');
    });

    it('prompt=none: login_required without a session, consent_required without consent, straight back otherwise', async () => {
      core.add('n1', ['none']);
      const b = createBrowser([origin]);
      const noSession = await b.get(`${origin}/interaction/n1`);
      expect(noSession.status).toBe(302);
      expect(noSession.headers.get('location')).toBe('https://rp.example/cb?error=login_required');
      expect(noSession.body).not.toMatch(/<form/);
      core.add('n2');
      const consent = await b.submit(loginForm(await b.get(`${origin}/interaction/n2`)), { username: 'alice', password: 'correct horse' });
      expect(consent.status).toBeLessThan(400);
      core.add('n3', ['none']);
      const silent = await b.get(`${origin}/interaction/n3`);
      expect(silent.headers.get('location')).toContain('code=c-n3');
    });

    it('throttles wrong passwords per IP and username (429); other users still sign in', async () => {
      const b = createBrowser([origin]);
      core.add('t1');
      let page = await b.get(`${origin}/interaction/t1`);
      for (let i = 0; i < 10; i++) page = await b.submit(loginForm(page), { username: 'mallory-target', password: `guess-${i}` });
      const refused = await b.submit(loginForm(page), { username: 'mallory-target', password: 'guess-10' });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(refused.body).toContain('Too many failed sign-ins');
      expect(refused.body).toContain('Your password was not checked');
      const other = await b.submit(loginForm(refused), { username: 'alice', password: 'correct horse' });
      // alice consented earlier: straight back to the client
      expect(other.status).toBe(302);
      expect(other.headers.get('location')).toContain('code=c-t1');
    });

    it('counts before checking: of 250 parallel wrong passwords for one account, at most 10 are checked; the rest get 429', async () => {
      core.add('p1');
      const b = createBrowser([origin]);
      const form = loginForm(await b.get(`${origin}/interaction/p1`));
      const before = checked;
      const answers = await Promise.all(Array.from({ length: 250 }, (_, i) => b.submit(form, { username: 'parallel-target', password: `guess-${i}` })));
      expect(checked - before).toBeLessThanOrEqual(10);
      expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(240);
    });

    it('shows a 4xx page for an unknown interaction', async () => {
      const res = await fetch(`${origin}/interaction/nope`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });

    it('device page: code entry (pre-filled), wrong codes throttled per session, login, consent, approval page without a form', async () => {
      const b = createBrowser([origin]);
      const entry = await b.get(`${origin}/device?user_code=bcdf-ghjk`);
      const form = formsOf(entry)[0]!;
      expect(form.fields['user_code']).toBe('bcdf-ghjk');
      const wrong = await b.submit(form, { user_code: 'XXXX-XXXX' });
      expect(wrong.status).toBe(400);
      const login = await b.submit(formsOf(wrong)[0]!, { user_code: 'bcdf ghjk' });
      const consent = await b.submit(loginForm(login), { username: 'alice', password: 'correct horse' });
      const consentForm = formsOf(consent)[0]!;
      expect(consentForm.buttons).toEqual(expect.arrayContaining([{ name: 'decision', value: 'approve' }]));
      const done = await b.submit(consentForm, {}, { name: 'decision', value: 'approve' });
      expect(done.status).toBe(200);
      expect(formsOf(done)).toHaveLength(0);
      expect(core.device.get('BCDF-GHJK')).toBe('approved');
      const b2 = createBrowser([origin]);
      let page = await b2.get(`${origin}/device`);
      for (let i = 0; i < 10; i++) page = await b2.submit(formsOf(page)[0]!, { user_code: `WRONG${i}` });
      const blocked = await b2.submit(formsOf(page)[0]!, { user_code: 'BCDF-GHJK' });
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(blocked.body).toContain('The code was not checked');
      // 250 parallel guesses in one session: every one refused before any lookup
      const b3 = createBrowser([origin]);
      const entryForm = formsOf(await b3.get(`${origin}/device`))[0]!;
      const guesses = await Promise.all(Array.from({ length: 250 }, (_, i) => b3.submit(entryForm, { user_code: `GUESS${i}` })));
      expect(guesses.filter((g) => g.status === 400).length).toBeLessThanOrEqual(10);
      expect(guesses.filter((g) => g.status === 429).length).toBeGreaterThanOrEqual(240);
    });

    it('answers a HEAD with oversized headers 431 and no body (RFC 9110 §9.3.2); a GET gets the JSON body', async () => {
      const raw = (method: string) =>
        new Promise<string>((resolve, reject) => {
          let out = '';
          const socket = connect(listening.port, '127.0.0.1', () => socket.write(`${method} /device HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(40_000)}\r\n\r\n`));
          socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
          socket.on('close', () => resolve(out));
          socket.on('error', reject);
        });
      const head = await raw('HEAD');
      expect(head).toMatch(/^HTTP\/1\.1 431/);
      expect(head.endsWith('\r\n\r\n')).toBe(true);
      expect(await raw('GET')).toMatch(/^HTTP\/1\.1 431[\s\S]*\r\n\r\n\{"error":"invalid_request"/);
    });

    it('leaves Grantor routes to the core and answers wrong methods with 405', async () => {
      const meta = await fetch(`${origin}/.well-known/openid-configuration`);
      expect(meta.status).toBe(200);
      const put = await fetch(`${origin}/device`, { method: 'PUT' });
      expect(put.status).toBe(405);
    });
  });
}

describe('consent page with the scope registry', () => {
  let listening: Listening;
  let origin: string;
  const core = fakeCore();
  beforeAll(async () => {
    const memory = createMemoryStore();
    await seedUsers(memory.users, [{ username: 'bob', password: 'correct horse', claims: { sub: 'sub-bob' } }], Date.now() / 1000);
    const pages = createPages({
      server: core.server, users: await createUserDirectory(memory.users, () => Date.now() / 1000), sessions: createSessionStore({ secure: false, store: memory.loginSessions }),
      throttles: serverThrottles(memoryBackend()), logger: silent, now: () => Date.now() / 1000, prefix: '',
      scopes: async () => [{ name: 'openid', optional: false }, { name: 'profile', description: 'Your name <and> picture', optional: true }],
    });
    listening = await listen('fastify', withPages(core.server, pages), 0, silent);
    origin = `http://127.0.0.1:${listening.port}`;
  });
  afterAll(async () => listening.close());

  it('names the client and its redirect host, describes each scope, and finishes with only the ticked ones', async () => {
    core.add('r1', ['consent']);
    const b = createBrowser([origin]);
    const login = await b.get(`${origin}/interaction/r1`);
    const page = await b.submit(formsOf(login)[0]!, { username: 'bob', password: 'correct horse' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<strong>Web &lt;App&gt; &amp; &quot;Co&quot;</strong> <span class="muted">(web)</span>');
    expect(page.body).toContain('sent to <strong>rp.example</strong>');
    // profile: the registry's words (escaped), a ticked checkbox with its label; openid: required, no checkbox.
    expect(page.body).toContain('<input type="checkbox" id="grant_1" name="grant_1" value="on" checked><label for="grant_1"><code>profile</code> — Your name &lt;and&gt; picture</label>');
    expect(page.body).toMatch(/<code>openid<\/code> — Sign you in with your account identifier <span class="muted">\(required\)<\/span>/);
    const form = formsOf(page)[0]!;
    expect(form.inputs.filter((i) => i.type === 'checkbox').map((i) => i.name)).toEqual(['grant_1']);
    const { grant_1: _ticked, ...unticked } = form.fields;
    const done = await b.submit({ ...form, fields: unticked }, {}, { name: 'decision', value: 'approve' });
    expect(done.status).toBe(303);
    expect(core.finished.at(-1)).toMatchObject({ id: 'r1', result: { subject: 'sub-bob', scope: ['openid'] } });
  });

  it('a ticked box (whatever its value) keeps the scope; fields for scopes never asked for add nothing', async () => {
    core.add('r2', ['consent']);
    const b = createBrowser([origin]);
    const login = await b.get(`${origin}/interaction/r2`);
    const page = await b.submit(formsOf(login)[0]!, { username: 'bob', password: 'correct horse' });
    const done = await b.submit(formsOf(page)[0]!, { grant_1: 'whatever', grant_0: 'x', grant_5: 'on', scope: 'openid profile email' }, { name: 'decision', value: 'approve' });
    expect(done.status).toBe(303);
    expect(core.finished.at(-1)).toMatchObject({ id: 'r2', result: { scope: ['openid', 'profile'] } });
  });
});
