// Black-box acceptance harness: starts the reference server exactly as /work/shared/acceptance-interface.md §1
// says (README command via `sh -c`, own process group, only PORT / ISSUER / SEED), plus a tiny scripted browser.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as jose from 'jose';

type CryptoKey = jose.CryptoKey;

const repoRoot = path.resolve(import.meta.dirname, '../../../..');
/** The README's start command (run from the repository root after build). */
const START_COMMAND = 'node apps/server/dist/main.js';

export const rnd = (n = 6): string => randomBytes(n).toString('hex');
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });

interface ClientSeed {
  client_id: string;
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
  jwks?: { keys: jose.JWK[] };
  [k: string]: unknown;
}

export interface World {
  web: ClientSeed & { client_secret: string };
  web2: ClientSeed & { client_secret: string };
  post: ClientSeed & { client_secret: string };
  pub: ClientSeed;
  device: ClientSeed;
  cc: ClientSeed & { client_secret: string };
  jwt: ClientSeed;
  jwtKey: CryptoKey;
  jwtKid: string;
  jwtRs: ClientSeed;
  jwtRsKey: CryptoKey;
  jwtRsKid: string;
  alice: { username: string; password: string; claims: Record<string, unknown> };
  bob: { username: string; password: string; claims: Record<string, unknown> };
  apiScope: string;
  seed: unknown;
}

export const makeWorld = async (): Promise<World> => {
  const s = rnd();
  const api = `api:${rnd(3)}`;
  const ec = await jose.generateKeyPair('ES256', { extractable: true });
  const rs = await jose.generateKeyPair('RS256', { extractable: true });
  const jwtKid = `k-${rnd()}`;
  const jwtRsKid = `r-${rnd()}`;
  const ecPub = { ...(await jose.exportJWK(ec.publicKey)), kid: jwtKid, alg: 'ES256', use: 'sig' };
  const rsPub = { ...(await jose.exportJWK(rs.publicKey)), kid: jwtRsKid, alg: 'RS256', use: 'sig' };
  const rp = `https://rp-${s}.example.test`;
  const web = {
    client_id: `web-${rnd()}`, client_secret: rnd(16), client_name: 'Web', redirect_uris: [`${rp}/cb`, `${rp}/cb2`],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    scope: `openid profile email offline_access ${api}`, token_endpoint_auth_method: 'client_secret_basic',
    unknown_member_xyz: { ignored: true },
  };
  const web2 = { ...web, client_id: `webb-${rnd()}`, client_secret: rnd(16), scope: 'openid profile', client_name: 'Web2' };
  const post = {
    client_id: `post-${rnd()}`, client_secret: rnd(16), client_name: 'Post', redirect_uris: [`${rp}/post`],
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], response_types: ['code'],
    scope: `openid email ${api}`, token_endpoint_auth_method: 'client_secret_post',
  };
  const pub = {
    client_id: `spa-${rnd()}`, client_name: 'SPA', redirect_uris: [`${rp}/spa`], grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'], scope: 'openid profile email', token_endpoint_auth_method: 'none',
  };
  const device = {
    client_id: `tv-${rnd()}`, client_name: 'TV', redirect_uris: [],
    grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], response_types: [],
    scope: `openid profile ${api}`, token_endpoint_auth_method: 'none',
  };
  const cc = {
    client_id: `m2m-${rnd()}`, client_secret: `${rnd(8)}+/=%:é ~${rnd(4)}`, client_name: 'M2M', redirect_uris: [], grant_types: ['client_credentials', 'refresh_token'],
    response_types: [], scope: api, token_endpoint_auth_method: 'client_secret_basic',
  };
  const jwt = {
    client_id: `jwt-${rnd()}`, client_name: 'JWT', redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
    scope: api, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [ecPub] },
  };
  const jwtRs = { ...jwt, client_id: `jwtr-${rnd()}`, jwks: { keys: [rsPub] } };
  const mkUser = (name: string) => ({
    username: `${name}-${rnd()}`, password: `pw ä+%&=:\u{1F600}"<>-${rnd(10)}`,
    claims: {
      sub: randomUUID(), name: `${name} Example`, given_name: name, family_name: 'Example', preferred_username: name,
      email: `${name}-${rnd()}@example.test`, email_verified: true,
    },
  });
  const alice = mkUser('alice');
  const bob = mkUser('bob');
  const seed = { clients: [web, web2, post, pub, device, cc, jwt, jwtRs], users: [alice, bob] };
  return { web, web2, post, pub, device, cc, jwt, jwtKey: ec.privateKey, jwtKid, jwtRs, jwtRsKey: rs.privateKey, jwtRsKid, alice, bob, apiScope: api, seed };
};

export interface Server {
  issuer: string;
  port: number;
  proc: ChildProcess;
  output: () => string;
  meta: Record<string, unknown> & { [k: string]: unknown };
  ep: (name: string) => string;
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

export const startServer = async (
  seed: unknown,
  issuerFor: (port: number) => string = (port) => `http://127.0.0.1:${port}`,
  extraEnv: Record<string, string> = {},
): Promise<Server> => {
  if (!existsSync(path.join(repoRoot, 'apps/server/dist/main.js'))) throw new Error('build first: pnpm build');
  const dir = mkdtempSync(path.join(tmpdir(), 'grantor-acc-'));
  const seedPath = path.join(dir, 'seed.json');
  writeFileSync(seedPath, JSON.stringify(seed));
  const port = await freePort();
  const issuer = issuerFor(port);
  const env: Record<string, string> = { ...extraEnv, PATH: process.env['PATH'] ?? '/usr/bin:/bin', PORT: String(port), ISSUER: issuer, SEED: seedPath };
  const proc = spawn('sh', ['-c', START_COMMAND], { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    }),
  );
  const groupAlive = (): boolean => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, 0);
      return proc.pid !== undefined;
    } catch {
      return false;
    }
  };
  const killGroup = (sig: NodeJS.Signals) => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, sig);
    } catch {
      /* gone */
    }
  };
  const deadline = Date.now() + 60_000;
  let meta: Record<string, unknown> = {};
  for (;;) {
    if (exited) throw new Error(`server exited before it was ready:\n${out}`);
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.status === 200) {
        meta = (await res.json()) as Record<string, unknown>;
        break;
      }
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) {
      killGroup('SIGKILL');
      throw new Error(`not ready within 60 s:\n${out}`);
    }
    await sleep(100);
  }
  return {
    issuer, port, proc, meta, output: () => out,
    ep: (name) => {
      const v = meta[name];
      if (typeof v !== 'string') throw new Error(`discovery lacks ${name}`);
      return v;
    },
    stop: async () => {
      const t0 = Date.now();
      if (!exited) killGroup('SIGTERM');
      const k = setTimeout(() => killGroup('SIGKILL'), 10_000);
      const r = await exit;
      // `sh` may run the command as a child (dash does): the server is stopped when the whole group is gone.
      while (groupAlive() && Date.now() - t0 < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
      clearTimeout(k);
      return { ...r, ms: Date.now() - t0 };
    },
  };
};

// ---------------------------------------------------------------- scripted browser

interface Cookie { name: string; value: string; path: string }

export interface Form { action: string; method: string; fields: [string, string][]; html: string; buttons: { name: string; value: string; type: string }[] }

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
};
const decodeEntities = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export const parseForms = (html: string, base: string): Form[] => {
  const forms: Form[] = [];
  const re = /<form\b([^>]*)>([\s\S]*?)<\/form>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const open = m[1] ?? '';
    const body = m[2] ?? '';
    const fields: [string, string][] = [];
    for (const im of body.matchAll(/<input\b[^>]*>/gi)) {
      const t = im[0];
      const n = attr(t, 'name');
      const type = (attr(t, 'type') ?? 'text').toLowerCase();
      if (n === undefined || type === 'submit') continue;
      fields.push([n, attr(t, 'value') ?? '']);
    }
    const buttons = [...body.matchAll(/<button\b[^>]*>/gi)].map((b) => ({
      name: attr(b[0], 'name') ?? '', value: attr(b[0], 'value') ?? '', type: (attr(b[0], 'type') ?? 'submit').toLowerCase(),
    }));
    for (const im of body.matchAll(/<input\b[^>]*>/gi)) {
      if ((attr(im[0], 'type') ?? '').toLowerCase() === 'submit') buttons.push({ name: attr(im[0], 'name') ?? '', value: attr(im[0], 'value') ?? '', type: 'submit' });
    }
    forms.push({ action: new URL(attr(open, 'action') ?? '', base).href, method: (attr(open, 'method') ?? 'get').toUpperCase(), fields, html: m[0], buttons });
  }
  return forms;
};

export interface Page { status: number; url: string; headers: Headers; body: string; location?: string }

export class Browser {
  cookies: Cookie[] = [];
  constructor(readonly origin: string) {}

  private cookieHeader(url: URL): string {
    return this.cookies.filter((c) => url.pathname.startsWith(c.path)).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  private store(res: Response, url: URL) {
    for (const sc of res.headers.getSetCookie()) {
      const [nv, ...attrs] = sc.split(';');
      const eq = (nv ?? '').indexOf('=');
      const name = (nv ?? '').slice(0, eq).trim();
      const value = (nv ?? '').slice(eq + 1).trim();
      let p = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expired = false;
      for (const a of attrs) {
        const [k, v] = a.split('=').map((x) => x.trim());
        if (k?.toLowerCase() === 'path' && v) p = v;
        if (k?.toLowerCase() === 'max-age' && Number(v) <= 0) expired = true;
        if (k?.toLowerCase() === 'expires' && v && Date.parse(v) < Date.now()) expired = true;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === p));
      if (!expired) this.cookies.push({ name, value, path: p });
    }
  }

  async request(method: string, href: string, form?: [string, string][]): Promise<Page> {
    const url = new URL(href);
    const headers: Record<string, string> = {};
    if (url.origin === this.origin) {
      const ch = this.cookieHeader(url);
      if (ch) headers['cookie'] = ch;
    }
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual' });
    this.store(res, url);
    const text = await res.text();
    const loc = res.headers.get('location');
    return { status: res.status, url: url.href, headers: res.headers, body: text, ...(loc ? { location: new URL(loc, url).href } : {}) };
  }

  /** GET, following redirects while they stay on the server's origin; stops at a redirect elsewhere or a page. */
  async follow(first: Page, max = 10): Promise<Page> {
    let p = first;
    for (let i = 0; i < max && (p.status === 302 || p.status === 303 || p.status === 301 || p.status === 307) && p.location; i++) {
      if (new URL(p.location).origin !== this.origin) return p;
      p = await this.request('GET', p.location);
    }
    return p;
  }

  get(href: string): Promise<Page> {
    return this.request('GET', href).then((p) => this.follow(p));
  }

  async submit(page: Page, pick: (f: Form) => boolean, values: Record<string, string>, button?: { name: string; value: string }): Promise<Page> {
    const form = parseForms(page.body, page.url).find(pick);
    if (!form) throw new Error(`no matching form on ${page.url} (${page.status}):\n${page.body.slice(0, 2000)}`);
    const fields = form.fields.map(([k, v]): [string, string] => [k, k in values ? (values[k] as string) : v]);
    for (const [k, v] of Object.entries(values)) if (!fields.some(([n]) => n === k)) fields.push([k, v]);
    if (button && button.name) fields.push([button.name, button.value]);
    const res = await this.request(form.method, form.action, fields);
    return this.follow(res);
  }
}

export const isLogin = (f: Form): boolean => f.fields.some(([n]) => n === 'username') && f.fields.some(([n]) => n === 'password');
export const isConsent = (f: Form): boolean => f.buttons.some((b) => b.name === 'decision' && b.value === 'approve');
export const hasForm = (p: Page, pick: (f: Form) => boolean): boolean => parseForms(p.body, p.url).some(pick);

export const login = (b: Browser, p: Page, u: { username: string; password: string }): Promise<Page> =>
  b.submit(p, isLogin, { username: u.username, password: u.password });
export const consent = (b: Browser, p: Page, decision: 'approve' | 'deny'): Promise<Page> =>
  b.submit(p, isConsent, {}, { name: 'decision', value: decision });

// ---------------------------------------------------------------- PKCE / token helpers

const b64url = (b: Buffer): string => b.toString('base64url');
export const pkce = async (): Promise<{ verifier: string; challenge: string }> => {
  const verifier = b64url(randomBytes(32));
  const { createHash } = await import('node:crypto');
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
};

export const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

export interface Res { status: number; headers: Headers; text: string; json: Record<string, unknown> }

export const post = async (url: string, params: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Res> => {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, redirect: 'manual' });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not json */
  }
  return { status: res.status, headers: res.headers, text, json };
};

export const clientAssertion = async (key: CryptoKey, alg: string, kid: string, clientId: string, aud: string, jti = rnd(12)): Promise<string> =>
  new jose.SignJWT({ jti })
    .setProtectedHeader({ alg, kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(key);

/** Runs the browser part of a code flow; returns the final redirect (to the redirect_uri) page. */
export const authorize = async (
  s: Server, b: Browser, params: Record<string, string> | readonly (readonly [string, string])[], user?: { username: string; password: string }, decision: 'approve' | 'deny' = 'approve',
): Promise<{ final: Page; sawConsent: boolean; sawLogin: boolean }> => {
  const u = new URL(s.ep('authorization_endpoint'));
  // A list of pairs may repeat a name (RFC 8707 `resource`).
  for (const [k, v] of Array.isArray(params) ? params : Object.entries(params)) u.searchParams.append(k, v);
  let p = await b.get(u.href);
  let sawLogin = false;
  let sawConsent = false;
  for (let i = 0; i < 4; i++) {
    if (p.location && new URL(p.location).origin !== s.issuer) break;
    if (hasForm(p, isLogin) && user) {
      sawLogin = true;
      p = await login(b, p, user);
    } else if (hasForm(p, isConsent)) {
      sawConsent = true;
      p = await consent(b, p, decision);
    } else break;
  }
  return { final: p, sawConsent, sawLogin };
};

export const codeFrom = (p: Page): URL => {
  if (!p.location) throw new Error(`expected a redirect, got ${p.status}: ${p.body.slice(0, 500)}`);
  return new URL(p.location);
};
