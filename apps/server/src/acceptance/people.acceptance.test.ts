// §7 People: sign-up, verification, recovery — driven purely over HTTP, as the black-box suite does (SIGNUP=open,
// MAIL_OUTBOX=<dir>), with the scripted browser and .eml files read from the outbox.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as jose from 'jose';
import { Browser, basic, codeFrom, consent, hasForm, isConsent, isLogin, login, makeWorld, parseForms, pkce, post, rnd, startServer, type Page, type Server, type World } from './harness.js';

interface Mail { file: string; raw: string; to: string; subject: string; links: string[] }

const readMail = (dir: string, file: string): Mail => {
  const raw = readFileSync(path.join(dir, file), 'utf8');
  const [head = '', body = ''] = raw.split(/\r?\n\r?\n/, 2).length === 2 ? [raw.slice(0, raw.search(/\r?\n\r?\n/)), raw.slice(raw.search(/\r?\n\r?\n/))] : [raw, ''];
  const header = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  return { file, raw, to: header('To'), subject: header('Subject'), links: [...body.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]) };
};

const linkText = (p: Page, pattern: RegExp): string | undefined => {
  for (const m of p.body.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)) {
    if (pattern.test((m[2] ?? '').replace(/<[^>]*>/g, ''))) return new URL((m[1] ?? '').replace(/&amp;/g, '&'), p.url).href;
  }
  return undefined;
};

const hasField = (name: string) => (f: { fields: [string, string][] }) => f.fields.some(([n]) => n === name);

describe('§7 people: sign-up, verification, recovery (SIGNUP=open, MAIL_OUTBOX)', () => {
  let s: Server;
  let w: World;
  let outbox: string;
  beforeAll(async () => {
    w = await makeWorld();
    outbox = mkdtempSync(path.join(tmpdir(), 'grantor-outbox-'));
    const seed = w.seed as { clients: Record<string, unknown>[] };
    // One client opts out of user claims in ID tokens (seed member id_token_claims).
    const minimal = { ...w.web, client_id: `min-${w.web.client_id}`, id_token_claims: 'minimal' };
    s = await startServer({ ...seed, clients: [...seed.clients, minimal] }, undefined, { SIGNUP: 'open', MAIL_OUTBOX: outbox });
  });
  afterAll(async () => {
    await s?.stop();
  });

  let seen = new Set<string>();
  /** The messages written since the last call. */
  const newMail = (): Mail[] => {
    const files = readdirSync(outbox).filter((f) => f.endsWith('.eml') && !seen.has(f)).sort();
    seen = new Set([...seen, ...files]);
    return files.map((f) => readMail(outbox, f));
  };

  const start = async (b: Browser, scope = 'openid email profile', clientId = w.web.client_id) => {
    const p = await pkce();
    const state = `st-${rnd()}`;
    const u = new URL(s.ep('authorization_endpoint'));
    const params = { response_type: 'code', client_id: clientId, redirect_uri: w.web.redirect_uris[0]!, scope, state, code_challenge: p.challenge, code_challenge_method: 'S256', nonce: `n-${rnd()}` };
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return { page: await b.get(u.href), verifier: p.verifier, state, url: u.href };
  };

  /** Signs in on a login page and approves consent; the redirect to the client (or whatever page stopped it). */
  const signInAndApprove = async (b: Browser, page: Page, user: { username: string; password: string }): Promise<Page> => {
    let p = await login(b, page, user);
    if (hasForm(p, isConsent)) p = await consent(b, p, 'approve');
    return p;
  };

  const redeem = async (final: Page, verifier: string, clientId = w.web.client_id) => {
    const code = codeFrom(final).searchParams.get('code');
    expect(code).toBeTruthy();
    const t = await post(s.ep('token_endpoint'), { grant_type: 'authorization_code', code: code!, redirect_uri: w.web.redirect_uris[0]!, code_verifier: verifier }, { authorization: basic(clientId, w.web.client_secret) });
    expect(t.status).toBe(200);
    return t.json as { access_token: string; id_token: string };
  };

  const signUp = async (b: Browser, email: string, password: string, name?: string): Promise<Page> => {
    const { page } = await start(b);
    const href = linkText(page, /sign up|create account|register/i);
    expect(href, 'the login page links to sign-up').toBeDefined();
    const form = await b.get(href!);
    expect(form.status).toBe(200);
    const f = parseForms(form.body, form.url).find((x) => hasField('email')(x) && hasField('password')(x));
    expect(f?.method).toBe('POST');
    expect(new URL(f!.action).origin).toBe(s.issuer);
    return b.submit(form, (x) => hasField('email')(x) && hasField('password')(x), { email, password, ...(name === undefined ? {} : { name }) });
  };

  it('sign-up → verification mail → gate until verified → sign in with the email → ID token and userinfo carry email_verified', async () => {
    newMail();
    const email = `Person.${rnd()}@Example.test`;
    const password = `pw ${rnd(8)} ünïcode`;
    const b = new Browser(s.issuer);
    const after = await signUp(b, email, password, 'Zoë Person');
    expect(after.status).toBe(200);
    const mails = newMail();
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toContain(email);
    expect(mail.raw).toMatch(/^Date: /m);
    expect(mail.raw).toMatch(/^Message-ID: </m);
    const verify = mail.links.find((l) => new URL(l).origin === s.issuer);
    expect(verify, 'an absolute link on the issuer origin').toBeDefined();

    // Before the link is followed: the right password does not complete an authorization.
    const early = await start(b);
    const gate = await login(b, early.page, { username: email, password });
    expect(gate.location === undefined || new URL(gate.location).origin === s.issuer).toBe(true);
    expect(gate.status).toBeGreaterThanOrEqual(400);
    expect(gate.body).toMatch(/confirm|verif/i);
    expect(hasForm(gate, isConsent)).toBe(false);

    const v = await new Browser(s.issuer).get(verify!);
    expect(v.status).toBe(200);
    expect(v.body).toMatch(/confirmed/i);
    // The link works once.
    expect((await new Browser(s.issuer).get(verify!)).status).toBe(400);

    const flow = await start(b);
    const final = await signInAndApprove(b, flow.page, { username: email, password });
    expect(new URL(final.location!).origin).not.toBe(s.issuer);
    expect(codeFrom(final).searchParams.get('state')).toBe(flow.state);
    const tokens = await redeem(final, flow.verifier);
    const idToken = jose.decodeJwt(tokens.id_token);
    expect(idToken).toMatchObject({ email, email_verified: true, name: 'Zoë Person' });
    const ui = await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await ui.json()).toMatchObject({ sub: idToken.sub, email, email_verified: true });
  });

  it('signing up with a taken address shows the same page, makes no second account, and only mails the owner', async () => {
    const email = `taken.${rnd()}@example.test`;
    const first = await signUp(new Browser(s.issuer), email, `first ${rnd(8)}`);
    const verifyFirst = newMail()[0]!.links[0]!;
    await new Browser(s.issuer).get(verifyFirst);
    const second = await signUp(new Browser(s.issuer), email, `second ${rnd(8)}`);
    expect(second.status).toBe(first.status);
    expect(second.body).toBe(first.body);
    const mails = newMail();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toContain(email);
    expect(mails[0]!.links.every((l) => !/verify/.test(l))).toBe(true);
    // The seeded user's address too: same page, and alice still signs in with her password.
    const seeded = String(w.alice.claims['email']);
    const third = await signUp(new Browser(s.issuer), seeded, `third ${rnd(8)}`);
    expect(third.body).toBe(first.body);
    newMail();
    const b = new Browser(s.issuer);
    const flow = await start(b);
    const final = await signInAndApprove(b, flow.page, w.alice);
    expect(codeFrom(final).searchParams.get('code')).toBeTruthy();
    const bad = await login(new Browser(s.issuer), (await start(new Browser(s.issuer))).page, { username: seeded, password: 'x' });
    expect(hasForm(bad, isConsent)).toBe(false);
  });

  it('rejects a short password (SP 800-63B length) on the form, and makes no account', async () => {
    const email = `short.${rnd()}@example.test`;
    const r = await signUp(new Browser(s.issuer), email, 'short');
    expect(r.status).toBe(400);
    expect(r.body).toMatch(/at least 8 characters/);
    expect(newMail()).toHaveLength(0);
  });

  it('recovery: forgot link → same page for known and unknown addresses → single-use reset link → new password works, old does not', async () => {
    const email = `reset.${rnd()}@example.test`;
    const oldPassword = `old ${rnd(8)}`;
    await signUp(new Browser(s.issuer), email, oldPassword);
    await new Browser(s.issuer).get(newMail()[0]!.links[0]!);

    const ask = async (address: string): Promise<Page> => {
      const b = new Browser(s.issuer);
      const { page } = await start(b);
      const href = linkText(page, /forgot|reset/i);
      expect(href, 'the login page links to recovery').toBeDefined();
      const form = await b.get(href!);
      expect(parseForms(form.body, form.url).some(hasField('email'))).toBe(true);
      return b.submit(form, hasField('email'), { email: address });
    };
    const known = await ask(email);
    const unknown = await ask(`nobody.${rnd()}@example.test`);
    expect(unknown.status).toBe(known.status);
    expect(unknown.body).toBe(known.body);
    const mails = newMail();
    expect(mails).toHaveLength(1);
    const reset = mails[0]!.links.find((l) => new URL(l).origin === s.issuer)!;
    expect(reset).toBeDefined();

    const b = new Browser(s.issuer);
    const form = await b.get(reset);
    expect(parseForms(form.body, form.url).some(hasField('password'))).toBe(true);
    const newPassword = `new ${rnd(8)}`;
    const done = await b.submit(form, hasField('password'), { password: newPassword });
    expect(done.status).toBe(200);

    const again = new Browser(s.issuer);
    const reuse = await again.submit(await again.get(reset), hasField('password'), { password: `third ${rnd(8)}` });
    expect(reuse.status).toBe(400);

    const oldTry = new Browser(s.issuer);
    const o = await login(oldTry, (await start(oldTry)).page, { username: email, password: oldPassword });
    expect(hasForm(o, isConsent) || (o.location !== undefined && new URL(o.location).origin !== s.issuer)).toBe(false);
    const nb = new Browser(s.issuer);
    const flow = await start(nb);
    const final = await signInAndApprove(nb, flow.page, { username: email, password: newPassword });
    expect(codeFrom(final).searchParams.get('code')).toBeTruthy();
  });

  it('seeded users keep their claims in the ID token and userinfo', async () => {
    const b = new Browser(s.issuer);
    const flow = await start(b);
    const final = await signInAndApprove(b, flow.page, w.bob);
    const tokens = await redeem(final, flow.verifier);
    const idToken = jose.decodeJwt(tokens.id_token);
    expect(idToken.sub).toBe(w.bob.claims['sub']);
    expect(idToken['email']).toBe(w.bob.claims['email']);
    const ui = (await (await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as Record<string, unknown>;
    for (const k of ['sub', 'name', 'email', 'email_verified', 'preferred_username']) if (k in w.bob.claims) expect(ui[k]).toEqual(w.bob.claims[k]);
  });

  it('a client registered with id_token_claims=minimal gets only the protocol claims in the ID token; userinfo has the rest', async () => {
    const b = new Browser(s.issuer);
    const clientId = `min-${w.web.client_id}`;
    const flow = await start(b, 'openid email profile', clientId);
    const final = await signInAndApprove(b, flow.page, w.bob);
    const tokens = await redeem(final, flow.verifier, clientId);
    const idToken = jose.decodeJwt(tokens.id_token);
    expect(idToken.sub).toBe(w.bob.claims['sub']);
    expect(idToken['email']).toBeUndefined();
    expect(idToken['name']).toBeUndefined();
    const ui = (await (await fetch(s.ep('userinfo_endpoint'), { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as Record<string, unknown>;
    expect(ui['email']).toBe(w.bob.claims['email']);
  });

  it('without SIGNUP the login page has no sign-up link and /signup is not found', async () => {
    const off = await startServer(w.seed);
    try {
      const b = new Browser(off.issuer);
      const u = new URL(off.ep('authorization_endpoint'));
      const p = await pkce();
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid', state: 's', code_challenge: p.challenge, code_challenge_method: 'S256' })) u.searchParams.set(k, v);
      const page = await b.get(u.href);
      expect(hasForm(page, isLogin)).toBe(true);
      expect(linkText(page, /sign up|create account|register/i)).toBeUndefined();
      expect((await b.get(`${off.issuer}/signup`)).status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});

describe('SIGNUP=invite: a single-use invitation from `main.js invite`', () => {
  it('no sign-up link or form without an invitation; the invited address signs up once and signs in at once', async () => {
    const w = await makeWorld();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'grantor-invite-'));
    const outbox = mkdtempSync(path.join(tmpdir(), 'grantor-outbox-'));
    const env = { SIGNUP: 'invite', MAIL_OUTBOX: outbox, DATA_DIR: dataDir };
    const s = await startServer(w.seed, undefined, env);
    try {
      const b = new Browser(s.issuer);
      const p = await pkce();
      const u = new URL(s.ep('authorization_endpoint'));
      const params = { response_type: 'code', client_id: w.web.client_id, redirect_uri: w.web.redirect_uris[0]!, scope: 'openid email', state: 'st', code_challenge: p.challenge, code_challenge_method: 'S256' };
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      const loginPage = await b.get(u.href);
      expect(linkText(loginPage, /sign up|create account|register/i)).toBeUndefined();
      expect((await b.get(`${s.issuer}/signup`)).status).toBe(404);

      const email = `invited.${rnd()}@example.test`;
      const printed = execFileSync(process.execPath, ['apps/server/dist/main.js', 'invite', email], {
        cwd: path.resolve(import.meta.dirname, '../../../..'),
        env: { PATH: process.env['PATH'] ?? '', ISSUER: s.issuer, SEED: '/dev/null', ...env },
      }).toString();
      const link = /https?:\/\/\S+/.exec(printed)?.[0];
      expect(link).toBeDefined();
      const mails = readdirSync(outbox).filter((f) => f.endsWith('.eml'));
      expect(mails).toHaveLength(1);
      expect(readFileSync(path.join(outbox, mails[0]!), 'utf8')).toContain(link!);

      const form = await b.get(link!);
      const password = `invited ${rnd(8)}`;
      const done = await b.submit(form, (f) => f.fields.some(([n]) => n === 'password'), { password });
      expect(done.status).toBe(200);
      // The invitation works once.
      const other = new Browser(s.issuer);
      const again = await other.get(link!);
      const refused = await other.submit(again, (f) => f.fields.some(([n]) => n === 'password'), { password: `other ${rnd(8)}` });
      expect(refused.status).toBe(400);

      let page = await login(b, loginPage, { username: email, password });
      if (hasForm(page, isConsent)) page = await consent(b, page, 'approve');
      expect(codeFrom(page).searchParams.get('code')).toBeTruthy();
    } finally {
      await s.stop();
    }
  });
});
